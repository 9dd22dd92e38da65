/**
 * Issue 12, "Loading": the stack program and the policy check load no database driver,
 * and a CLI loads only the drivers of the stores it touches.
 *
 * Each case runs in a child process preloaded with test/util/record-loads.mjs, which
 * records every module loaded (ESM resolutions through a loader hook, CommonJS files
 * through the module cache at exit). The preload goes in NODE_OPTIONS, so processes the
 * child spawns (the policy check evaluates each stack in its own process) are recorded too.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { STORE_KINDS, type StoreKind } from "../../../components/core/types";

const ROOT = resolve(__dirname, "../../..");
const RECORDER = join(ROOT, "test/util/record-loads.mjs");
const scratch = mkdtempSync(join(tmpdir(), "polystore-loading-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The driver packages of each store kind. */
const DRIVERS: Record<StoreKind, string[]> = {
  postgres: ["pg"],
  redis: ["ioredis"],
  mongodb: ["mongodb"],
  elasticsearch: ["@elastic/elasticsearch", "@opensearch-project/opensearch"],
  clickhouse: ["@clickhouse/client", "chdb"],
  neo4j: ["neo4j-driver"],
};
const ALL_DRIVERS = Object.values(DRIVERS).flat();

/** Runs `node <args>` (cwd: the project) under the recorder; returns the driver packages loaded, the exit status and the output. */
function run(args: string[], env: Record<string, string> = {}): { drivers: string[]; status: number | null; output: string; modules: number } {
  const log = join(scratch, `loads-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(log, "");
  const r = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, ...env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${RECORDER}`.trim(), POLYSTORE_LOAD_LOG: log },
  });
  const lines = readFileSync(log, "utf8").split("\n").filter(Boolean);
  const drivers = ALL_DRIVERS.filter((pkg) => lines.some((l) => l.includes(`/node_modules/${pkg}/`)));
  return { drivers, status: r.status, output: `${r.stdout}\n${r.stderr}`, modules: lines.length };
}

/** A connection per store, every one at a closed port, so a CLI gives up fast. */
function connectionsFile(): string {
  const file = join(scratch, "connections.json");
  const conns = Object.fromEntries(
    STORE_KINDS.map((kind) => [kind, { kind, host: "127.0.0.1", port: 9, tls: false, database: kind === "redis" ? "0" : "app", admin: { user: "admin", password: "pw-admin" }, app: { user: "app_user", password: "pw-app" } }]),
  );
  writeFileSync(file, JSON.stringify(conns));
  return file;
}

describe("loading: the recorder itself", () => {
  it("sees a driver that is loaded (CommonJS require and ESM import)", () => {
    const cjs = run(["-e", 'require("ioredis")']);
    expect(cjs.drivers).toEqual(["ioredis"]);
    const esm = run(["--input-type=module", "-e", 'await import("pg"); await import("@clickhouse/client")']);
    expect(esm.drivers).toEqual(["pg", "@clickhouse/client"]);
  });
});

describe("loading: the stack program and the policy check load no database driver", () => {
  it("the stack program (stacks/index.ts's modules), run with its init hook under mocks on the dev and prod stacks", () => {
    const code = `
      const { installMocks, settled } = require("./test/util/mocks.ts");
      const { stackFileConfig } = require("./test/util/stack.ts");
      const { parseConfig } = require("./stacks/config/index.ts");
      const { definePolystore } = require("./stacks/program.ts");
      const { initHook } = require("./stacks/init.ts");
      const stack = process.argv[1];
      const registered = installMocks(stack);
      const program = definePolystore(parseConfig(stackFileConfig("Pulumi." + stack + ".yaml"), { stack }), stack, { init: initHook });
      program.outputs.connections.apply(async () => {
        await settled();
        const inits = registered.filter((r) => r.type.includes("InitScripts") || r.name.endsWith("-init")).length;
        console.log("registered", registered.length, "init", inits);
      });`;
    for (const stack of ["dev", "prod"]) {
      const r = run(["--import", "tsx", "-e", code, stack]);
      expect(r.status, r.output).toBe(0);
      expect(r.output).toMatch(/registered \d+ init [1-9]/);
      expect(r.drivers, `stack ${stack} loaded drivers`).toEqual([]);
    }
  });

  it("npm run policy:check -- --stack dev (the check and its evaluator process)", () => {
    const r = run(["--import", "tsx", "policies/check.ts", "--stack", "dev"]);
    expect(r.output).toMatch(/dev/);
    expect(r.status, r.output).not.toBe(2);
    expect(r.drivers).toEqual([]);
  });
});

describe("loading: a CLI loads only the drivers of the stores it touches", () => {
  const conns = () => connectionsFile();

  it.each(STORE_KINDS)("npm run migrate -- status --store %s: that store's drivers only", (kind) => {
    const r = run(["--import", "tsx", "stacks/migrate.ts", "status", "--store", kind, "--connections", conns(), "--wait-timeout", "1"]);
    expect(r.status, r.output).toBe(1); // the store is not there: reported, exit 1
    // The connection's variant only: Elasticsearch (not OpenSearch), ClickHouse over HTTP (not chdb).
    expect(r.drivers).toEqual(DRIVERS[kind].slice(0, 1));
  });

  it("npm run migrate -- plan --store redis: ioredis only", () => {
    const r = run(["--import", "tsx", "stacks/migrate.ts", "plan", "--store", "redis", "--connections", conns(), "--wait-timeout", "1"]);
    expect(r.status, r.output).toBe(1);
    expect(r.drivers).toEqual(["ioredis"]);
  });

  it("npm run migrate -- lint: no driver at all", () => {
    const r = run(["--import", "tsx", "stacks/migrate.ts", "lint"]);
    expect(r.status, r.output).not.toBe(2);
    expect(r.drivers).toEqual([]);
  });

  it("npm run health -- --store redis: ioredis only", () => {
    const r = run(["--import", "tsx", "stacks/health.ts", "--store", "redis", "--connections", conns(), "--timeout", "1"]);
    expect(r.status, r.output).toBe(1);
    expect(r.drivers).toEqual(["ioredis"]);
  });

  it("npm run backup -- --store mongodb: mongodb only", () => {
    const r = run(["--import", "tsx", "stacks/backup/backup.ts", "--stack", "t", "--store", "mongodb", "--connections", conns(), "--to", join(scratch, "archives")]);
    expect(r.status, r.output).toBe(1);
    expect(r.drivers).toEqual(["mongodb"]);
  });
});
