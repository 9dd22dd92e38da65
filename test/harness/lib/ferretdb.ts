/**
 * The MongoDB wire protocol: FerretDB 1.24 with its SQLite handler. Started
 * with FerretDB's experimental authentication (SCRAM-SHA-256, users stored by
 * FerretDB itself) so unauthenticated clients are refused; `--setup-*` creates
 * the `polystore` database and its admin user at start.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { MongoClient } from "mongodb";
import { connection, engineDir, generatePassword, HOST, requireInstalled, stopOnFailure, type EngineContext, type StartedEngine } from "./context";
import { spawnEngine, waitReady } from "./process";

export const MONGO_ADMIN_USER = "polystore_admin";
export const MONGO_DATABASE = "polystore";

/** A mongodb:// URI for a connection the harness produced. */
export function mongoUri(c: { host: string; port: number; database: string; options?: Record<string, string> }, cred: { user: string; password: string }): string {
  const authSource = c.options?.authSource ?? c.database;
  const mech = c.options?.authMechanism ?? "SCRAM-SHA-256";
  return `mongodb://${encodeURIComponent(cred.user)}:${encodeURIComponent(cred.password)}@${c.host}:${c.port}/${c.database}?authSource=${authSource}&authMechanism=${mech}`;
}

export async function startFerretDB(ctx: EngineContext): Promise<StartedEngine> {
  const bin = ctx.paths.ferretdb;
  requireInstalled("mongodb (FerretDB)", `the FerretDB binary (${bin})`, existsSync(bin));
  const port = ctx.ports.mongodb;
  const dir = engineDir(ctx, "mongodb");
  const data = engineDir(ctx, join("mongodb", "data"));
  const logFile = join(dir, "ferretdb.log");
  const password = generatePassword();
  const args = [
    "--handler=sqlite",
    `--sqlite-url=file:${data}/`,
    `--listen-addr=${HOST}:${port}`,
    "--telemetry=disable",
    `--state-dir=${dir}`,
    "--debug-addr=-",
    "--log-level=warn",
    "--test-enable-new-auth",
    `--setup-database=${MONGO_DATABASE}`,
    `--setup-username=${MONGO_ADMIN_USER}`,
  ];
  // The password goes through the environment, not the command line.
  const env = { ...process.env, FERRETDB_SETUP_PASSWORD: password };
  const spawned = spawnEngine({ name: "mongodb", command: bin, args, logFile, cwd: dir, env, cgroup: ctx.memory?.cgroup });

  return stopOnFailure([spawned], async () => {
    const admin = { user: MONGO_ADMIN_USER, password };
    const options = { authSource: MONGO_DATABASE, authMechanism: "SCRAM-SHA-256", flavor: "ferretdb" };
    const uri = mongoUri({ host: HOST, port, database: MONGO_DATABASE, options }, admin);
    await waitReady(
      async () => {
        const client = new MongoClient(uri, { serverSelectionTimeoutMS: 2000, connectTimeoutMS: 2000 });
        try {
          await client.connect();
          return (await client.db(MONGO_DATABASE).command({ ping: 1 })).ok === 1;
        } finally {
          await client.close();
        }
      },
      { what: `mongodb (FerretDB) at ${HOST}:${port}`, timeoutMs: ctx.timeoutMs, spawned, logFile },
    );
    ctx.log(`mongodb: FerretDB ready on ${HOST}:${port}`);
    return {
      kind: "mongodb" as const,
      processes: [spawned.proc],
      connection: connection({ kind: "mongodb", host: HOST, port, database: MONGO_DATABASE, admin, options }),
    };
  });
}
