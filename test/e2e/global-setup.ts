/**
 * vitest globalSetup for `npm run test:e2e` (vitest.e2e.config.ts), run once for
 * every e2e file:
 *   1. `bash test/e2e/setup-pulumi.sh`: the real Pulumi CLI built from the Go module
 *      proxy (about a second when cached; a cold build takes ~16 minutes);
 *   2. `bash test/harness/setup.sh`: the engines, installed and cached (seconds when warm;
 *      POLYSTORE_HARNESS_SKIP_SETUP=1 skips it when the caller just ran it, as .ci/run does);
 *   3. starts the engines the e2e stack points at, on loopback with their own port offset
 *      (POLYSTORE_E2E_PORT_OFFSET, default 400, so other people's test runs on the same
 *      machine do not collide), and provides their admin connections as
 *      `inject("e2eConnections")`.
 * Anything that fails here fails the whole e2e run, in CI and locally alike: nothing is skipped.
 *
 * ClickHouse is NOT started: the harness's ClickHouse is chdb, the ClickHouse engine as an
 * in-process library (npm package chdb 3.4.0, "no server, no Docker": it offers query/Session
 * and a `chdb/connection` adapter that plugs into @clickhouse/client IN PROCESS, but no HTTP
 * or native-protocol listener). An `external` ClickHouse endpoint (host:port over HTTP) cannot
 * point at it, so the e2e stack has no ClickHouse store; its init scripts are proven against
 * chdb in `npm run test:stores`.
 */
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import type { StoreConnection } from "../../components/core/types";
import { resolvePortOffset, startEngines } from "../harness/engines";

/** The stores of the e2e stack: every store that can be reached as an external endpoint. */
export const E2E_STORES = ["postgres", "redis", "mongodb", "elasticsearch", "neo4j"] as const;
export type E2eStore = (typeof E2E_STORES)[number];

declare module "vitest" {
  export interface ProvidedContext {
    /** Admin connections of the engines started for the e2e run, keyed by store kind. */
    e2eConnections: Record<E2eStore, StoreConnection>;
    /** The port offset they were started with. */
    e2ePortOffset: number;
  }
}

const ROOT = resolve(__dirname, "..", "..");

/** Runs a setup script with inherited output; throws naming it on failure. */
function runScript(script: string): void {
  const started = Date.now();
  const r = spawnSync("bash", [join(ROOT, script)], { stdio: "inherit", cwd: ROOT });
  if (r.status !== 0) throw new Error(`${script} failed (exit ${r.status ?? r.signal}); see its output above. The e2e tests need it: nothing is skipped.`);
  console.log(`[e2e] ${script} done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  runScript("test/e2e/setup-pulumi.sh");
  if (process.env.POLYSTORE_HARNESS_SKIP_SETUP !== "1") runScript("test/harness/setup.sh");

  const raw = process.env.POLYSTORE_E2E_PORT_OFFSET ?? "400";
  if (!/^\d+$/.test(raw)) throw new Error(`POLYSTORE_E2E_PORT_OFFSET: expected a whole number (default 400), got ${JSON.stringify(raw)}`);
  const portOffset = resolvePortOffset(Number(raw));
  const started = Date.now();
  const engines = await startEngines([...E2E_STORES], { portOffset, log: (l) => console.log(`[e2e harness] ${l}`) });
  console.log(`[e2e harness] ${E2E_STORES.length} engines ready in ${((Date.now() - started) / 1000).toFixed(1)}s (port offset ${portOffset})`);
  project.provide("e2eConnections", engines.connections as Record<E2eStore, StoreConnection>);
  project.provide("e2ePortOffset", portOffset);
  return async () => {
    await engines.stop();
  };
}
