/**
 * The two ways the ClickHouse adapter reaches an engine: `@clickhouse/client`
 * over HTTP (production) and chdb's in-process `Session` (tests, when
 * `conn.host === "chdb"`, data directory `conn.options.path`). Both take ONE
 * statement per call, so scripts are split first (statements.ts).
 */
import { createReadStream, createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import type { StoreConnection } from "../../core/types";
import { errorText } from "../adapter";

export interface ClickHouseExecutor {
  /** Run a SELECT and return its rows (JSONEachRow). */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** Run a statement that returns no rows (DDL, INSERT … VALUES). */
  command(sql: string): Promise<void>;
  close(): Promise<void>;
  /** Writes the rows of `select` (no FORMAT clause) to `file` in ClickHouse's Native format. */
  exportNative(select: string, file: string): Promise<void>;
  /** Inserts `file` (Native format) into `table` (`db`.`name`, already quoted). */
  importNative(table: string, file: string): Promise<void>;
  /**
   * Whether SQL access management (CREATE USER / GRANT) is available. False for
   * chdb: clickhouse-local has no writable access storage.
   */
  readonly accessControl: boolean;
}

/** Executor for `conn`: chdb when `conn.host === "chdb"`, else HTTP(S). */
export async function createExecutor(conn: StoreConnection): Promise<ClickHouseExecutor> {
  return conn.host === "chdb" ? createChdbExecutor(conn) : createHttpExecutor(conn);
}

async function createHttpExecutor(conn: StoreConnection): Promise<ClickHouseExecutor> {
  const { createClient } = await import("@clickhouse/client");
  const secrets = [conn.admin.password];
  const client = createClient({
    url: `${conn.tls ? "https" : "http"}://${conn.host}:${conn.port}`,
    username: conn.admin.user,
    password: conn.admin.password,
    request_timeout: Number(conn.options?.requestTimeoutMs ?? 60_000),
    // Read-your-writes across replicas (ClickHouse Cloud / replicated tables); harmless on a single node.
    clickhouse_settings: { select_sequential_consistency: "1", mutations_sync: "2" },
  });
  const wrap = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      throw new Error(errorText(err, secrets));
    }
  };
  return {
    accessControl: true,
    query: <T>(sql: string) => wrap(async () => (await client.query({ query: sql, format: "JSONEachRow" })).json<T>()),
    command: (sql) => wrap(async () => void (await client.command({ query: sql }))),
    close: () => client.close(),
    exportNative: (select, file) =>
      wrap(async () => {
        const { stream } = await client.exec({ query: `${select} FORMAT Native` });
        await pipeline(stream, createWriteStream(file, { mode: 0o600 }));
      }),
    importNative: (table, file) =>
      wrap(async () => {
        const { stream } = await client.exec({ query: `INSERT INTO ${table} FORMAT Native`, values: createReadStream(file) });
        stream.resume();
        await new Promise((r) => stream.once("end", r));
      }),
  };
}

interface ChdbSession {
  queryAsync(sql: string, opts?: { format?: string }): Promise<{ text(): string }>;
  close(): void;
}

async function createChdbExecutor(conn: StoreConnection): Promise<ClickHouseExecutor> {
  const path = conn.options?.path;
  if (!path) throw new Error(`clickhouse: connection host "chdb" needs options.path (the chdb data directory)`);
  // chdb is a devDependency: loaded only here, never in production.
  const chdb = (await import("chdb")) as unknown as { Session: new (path: string) => ChdbSession };
  const session = new chdb.Session(path);
  const run = async (sql: string, format: string) => {
    try {
      return (await session.queryAsync(sql, { format })).text();
    } catch (err) {
      throw new Error(errorText(err));
    }
  };
  return {
    accessControl: false,
    async query<T>(sql: string) {
      const text = await run(sql, "JSONEachRow");
      return text
        .split("\n")
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as T);
    },
    async command(sql) {
      await run(sql, "CSV");
    },
    async close() {
      session.close();
    },
    async exportNative(select, file) {
      await run(`${select} INTO OUTFILE ${chString(file)} FORMAT Native`, "CSV");
    },
    async importNative(table, file) {
      await run(`INSERT INTO ${table} FROM INFILE ${chString(file)} FORMAT Native`, "CSV");
    },
  };
}

/** A ClickHouse string literal. */
export function chString(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** A back-quoted ClickHouse identifier (names are validated as plain identifiers before). */
export function chIdent(name: string): string {
  return `\`${name.replace(/`/g, "``")}\``;
}
