/**
 * vitest globalSetup for `npm run test:stores` (vitest.stores.config.ts):
 * installs/caches the engines (test/harness/setup.sh; seconds when warm),
 * starts them all on loopback and provides their admin connections to the
 * tests, which read them with `inject("connections")`. Any engine that fails
 * to start fails the run, in CI and locally alike: nothing is skipped.
 *
 * Environment:
 *   POLYSTORE_HARNESS_ENGINES      comma-separated subset of engine kinds (default: all)
 *   POLYSTORE_HARNESS_PORT_OFFSET  added to every port (default 0)
 *   POLYSTORE_HARNESS_SKIP_SETUP=1 do not run setup.sh first
 */
import { spawnSync } from "node:child_process";
import type { TestProject } from "vitest/node";
import type { StoreConnection } from "../../components/core/types";
import { ENGINE_KINDS, startEngines, type EngineKind } from "./engines";
import { SETUP_SCRIPT } from "./lib/paths";

declare module "vitest" {
  export interface ProvidedContext {
    /** Admin connections of the engines the harness started, keyed by engine kind. */
    connections: Partial<Record<EngineKind, StoreConnection>>;
  }
}

function wantedKinds(): EngineKind[] {
  const raw = process.env.POLYSTORE_HARNESS_ENGINES;
  if (!raw) return [...ENGINE_KINDS];
  const kinds = raw.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = kinds.filter((k) => !ENGINE_KINDS.includes(k as EngineKind));
  if (bad.length) throw new Error(`POLYSTORE_HARNESS_ENGINES: unknown engine kind(s) ${bad.join(", ")}; expected some of ${ENGINE_KINDS.join(", ")}`);
  return kinds as EngineKind[];
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const kinds = wantedKinds();
  if (process.env.POLYSTORE_HARNESS_SKIP_SETUP !== "1") {
    const r = spawnSync("bash", [SETUP_SCRIPT], { stdio: "inherit" });
    if (r.status !== 0) throw new Error(`test/harness/setup.sh failed (exit ${r.status ?? r.signal}); see its output above`);
  }
  const started = Date.now();
  const engines = await startEngines(kinds, { log: (l) => console.log(`[harness] ${l}`) });
  console.log(`[harness] ${kinds.length} engine(s) ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  project.provide("connections", engines.connections);
  return async () => {
    await engines.stop();
  };
}
