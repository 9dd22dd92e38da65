/**
 * ClickHouse through chdb (the ClickHouse engine as an in-process library,
 * npm package chdb). There is no server: the "connection" names the data
 * directory a test opens with `new Session(path)`. The harness checks in a
 * child process that chdb loads and creates the `polystore` database there,
 * so the calling process never maps the large native library itself.
 */
import { join } from "node:path";
import { connection, engineDir, type EngineContext, type StartedEngine } from "./context";
import { REPO_DIR } from "./paths";
import { runCommand } from "./process";

export const CLICKHOUSE_DATABASE = "polystore";

const PROBE = `
const { Session } = require("chdb");
const s = new Session(process.argv[1]);
try {
  s.query("CREATE DATABASE IF NOT EXISTS ${CLICKHOUSE_DATABASE}");
  process.stdout.write(String(s.query("SELECT version()", "TabSeparated")).trim());
} finally { s.close(); }
`;

export async function startClickHouse(ctx: EngineContext): Promise<StartedEngine> {
  const path = engineDir(ctx, join("clickhouse", "data"));
  let version: string;
  try {
    version = (await runCommand(process.execPath, ["-e", PROBE, path], { cwd: REPO_DIR })).trim();
  } catch (err) {
    throw new Error(`clickhouse (chdb, in process at ${path}): chdb does not load or run DDL: ${(err as Error).message}`);
  }
  ctx.log(`clickhouse: chdb ${version} at ${path}`);
  return {
    kind: "clickhouse",
    processes: [],
    connection: connection({
      kind: "clickhouse",
      host: "chdb",
      port: 0,
      database: CLICKHOUSE_DATABASE,
      // chdb has no access control: the user is ClickHouse's built-in default, without password.
      admin: { user: "default", password: "" },
      options: { path, version, security: "disabled" },
    }),
  };
}
