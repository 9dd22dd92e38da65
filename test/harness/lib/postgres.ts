/**
 * PostgreSQL from Debian's package (15 on Debian 12), run as the `postgres` OS
 * user with its own data directory: initdb, then `postgres` in the foreground
 * listening on 127.0.0.1 only, scram-sha-256 for every connection, a superuser
 * admin with a generated password and a `polystore` database.
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "pg";
import { connection, engineDir, generatePassword, HOST, requireInstalled, stopOnFailure, type EngineContext, type StartedEngine } from "./context";
import { asUser, chownTree, isRoot } from "./paths";
import { runCommand, spawnEngine, waitReady } from "./process";

export const PG_ADMIN_USER = "polystore_admin";
export const PG_DATABASE = "polystore";
const PG_OS_USER = "postgres";

export async function startPostgres(ctx: EngineContext): Promise<StartedEngine> {
  const bin = ctx.paths.pgBin;
  requireInstalled("postgres", "the PostgreSQL server (Debian package postgresql)", bin !== undefined);
  const pgBin = bin as string;
  const port = ctx.ports.postgres;
  const dir = engineDir(ctx, "postgres");
  const data = join(dir, "data");
  const sock = join(dir, "sock");
  const logFile = join(dir, "postgres.log");
  const password = generatePassword();
  const pwfile = join(dir, "pwfile");
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  engineDir(ctx, join("postgres", "sock"));
  if (isRoot()) chownTree(dir, PG_OS_USER);

  ctx.log(`postgres: initdb (${pgBin})`);
  const initdb = asUser(PG_OS_USER, join(pgBin, "initdb"), [
    "-D", data,
    "-U", PG_ADMIN_USER,
    `--pwfile=${pwfile}`,
    "--auth-local=scram-sha-256",
    "--auth-host=scram-sha-256",
    "--encoding=UTF8",
    "--locale=C.UTF-8",
    "--no-sync",
  ]);
  try {
    await runCommand(initdb.command, initdb.args, { cwd: dir });
  } finally {
    rmSync(pwfile, { force: true });
  }

  const server = asUser(PG_OS_USER, join(pgBin, "postgres"), [
    "-D", data,
    "-p", String(port),
    "-k", sock,
    "-c", `listen_addresses=${HOST}`,
    "-c", "password_encryption=scram-sha-256",
    "-c", "unix_socket_permissions=0700",
    // Test data is thrown away: skip durability work, semantics are unchanged.
    "-c", "fsync=off",
    "-c", "synchronous_commit=off",
    "-c", "full_page_writes=off",
    // The dev stack's max_connections (load suite); shared_buffers etc. stay PostgreSQL's defaults, as in the image.
    ...(ctx.memory?.shipped.maxConnections ? ["-c", `max_connections=${ctx.memory.shipped.maxConnections}`] : []),
  ]);
  const spawned = spawnEngine({ name: "postgres", command: server.command, args: server.args, logFile, cwd: dir, stopSignal: "SIGINT", cgroup: ctx.memory?.cgroup });

  return stopOnFailure([spawned], async () => {
    const admin = { user: PG_ADMIN_USER, password };
    const query = async (database: string, sql: string) => {
      const c = new Client({ host: HOST, port, database, ...admin, connectionTimeoutMillis: 2000 });
      await c.connect();
      try {
        return await c.query(sql);
      } finally {
        await c.end();
      }
    };
    await waitReady(async () => (await query("postgres", "select 1 as ok")).rows[0]?.ok === 1, {
      what: `postgres at ${HOST}:${port}`,
      timeoutMs: ctx.timeoutMs,
      spawned,
      logFile,
    });
    await query("postgres", `create database ${PG_DATABASE}`);
    const version = (await query(PG_DATABASE, "show server_version_num")).rows[0]?.server_version_num as string;
    ctx.log(`postgres: ready on ${HOST}:${port} (server_version_num ${version})`);
    return {
      kind: "postgres" as const,
      processes: [spawned.proc],
      connection: connection({
        kind: "postgres",
        host: HOST,
        port,
        database: PG_DATABASE,
        admin,
        options: { socketDir: sock, serverVersionNum: version },
      }),
    };
  });
}
