/**
 * Shared helpers for the init-runner store tests (postgres, redis, clickhouse).
 * Connections come from the real-engine harness (vitest globalSetup → inject),
 * or, when developing without it, from the JSON file named by
 * POLYSTORE_TEST_CONNECTIONS (same shape as the harness's .polystore/harness<offset>.json).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { createAdapter, runStore } from "../../components/init";
import { parseConnections, type Connections } from "../../components/init/connections";
import { defaultScriptsDir } from "../../components/init/runner";
import type { RunReport } from "../../components/init/types";
import type { StoreConnection, StoreKind } from "../../components/core/types";

/** The admin connection of `kind` provided to this test run; throws (fails the test) when there is none. */
export function storeConnection(kind: StoreKind): StoreConnection {
  let all: Connections | undefined;
  try {
    all = (inject as unknown as (key: string) => Connections | undefined)("connections");
  } catch {
    all = undefined;
  }
  if (!all?.[kind] && process.env.POLYSTORE_TEST_CONNECTIONS) {
    all = parseConnections(JSON.parse(readFileSync(process.env.POLYSTORE_TEST_CONNECTIONS, "utf8")), process.env.POLYSTORE_TEST_CONNECTIONS);
  }
  const conn = all?.[kind];
  if (!conn) throw new Error(`no ${kind} connection: run through vitest.stores.config.ts (harness globalSetup) or set POLYSTORE_TEST_CONNECTIONS`);
  return conn;
}

/** A short unique suffix for database / user names of one test. */
export function uniqueSuffix(): string {
  return `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}

/** A temporary copy of a store's shipped init scripts; remove with {@link removeDir}. */
export function copyScripts(kind: StoreKind): string {
  const dir = mkdtempSync(join(tmpdir(), `polystore-${kind}-scripts-`));
  cpSync(defaultScriptsDir(kind), dir, { recursive: true });
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** One runner run with a fresh adapter, as `npm run migrate` does it. */
export async function run(conn: StoreConnection, op: "status" | "apply" | "repair", scriptsDir?: string, owner?: string): Promise<RunReport> {
  return runStore(conn, await createAdapter(conn), op, { scriptsDir, owner, waitTimeoutMs: 20_000, lockTimeoutMs: 60_000 });
}

/** Asserts a report succeeded, with its error in the failure message. */
export function ok(report: RunReport): RunReport {
  if (!report.ok) throw new Error(`${report.kind} ${report.operation} failed: ${report.error}`);
  return report;
}

/** Four runners at once; returns their reports. */
export function fourConcurrentRuns(conn: StoreConnection, scriptsDir?: string): Promise<RunReport[]> {
  return Promise.all([1, 2, 3, 4].map((i) => run(conn, "apply", scriptsDir, `runner-${i}`)));
}

/**
 * Runs `f` with a PostgreSQL client connected as the connection's admin or application identity to
 * `database` (default: the connection's own), and always closes it.
 */
export async function withPg<T>(conn: StoreConnection, who: "admin" | "app", database: string | undefined, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const cred = conn[who];
  const c = new pg.Client({ host: conn.host, port: conn.port, user: cred.user, password: cred.password, database: database ?? conn.database });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}
