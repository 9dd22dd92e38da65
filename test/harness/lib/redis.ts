/**
 * Redis from Debian's package, started with exactly the server arguments
 * polystore renders for every target (components/stores/redis/settings.ts), plus the
 * harness's port, loopback bind, data dir, password and no RDB snapshots.
 * With the dev stack's memory settings (load suite) it runs the stack's
 * settings in its memory cgroup and keeps redis-server's default RDB
 * snapshots, as the container (no config file) does.
 */
import { join } from "node:path";
import Redis from "ioredis";
import { DEFAULT_REDIS_SERVER_SETTINGS, redisServerArgs } from "../../../components/stores/redis";
import { connection, engineDir, generatePassword, HOST, requireInstalled, stopOnFailure, type EngineContext, type StartedEngine } from "./context";
import { spawnEngine, waitReady } from "./process";

export async function startRedis(ctx: EngineContext): Promise<StartedEngine> {
  requireInstalled("redis", "redis-server (Debian package redis-server)", ctx.paths.redisServer !== undefined);
  const port = ctx.ports.redis;
  const dir = engineDir(ctx, "redis");
  const logFile = join(dir, "redis.log");
  const password = generatePassword();
  const args = [
    ...redisServerArgs(ctx.memory?.shipped.redis ?? DEFAULT_REDIS_SERVER_SETTINGS),
    "--port", String(port),
    "--bind", HOST,
    "--dir", dir,
    "--requirepass", password,
    ...(ctx.memory ? [] : ["--save", ""]),
  ];
  // redis-server rewrites its process title to "redis-server 127.0.0.1:<port>",
  // so the password does not stay visible in `ps`.
  const spawned = spawnEngine({ name: "redis", command: ctx.paths.redisServer as string, args, logFile, cwd: dir, cgroup: ctx.memory?.cgroup });

  return stopOnFailure([spawned], async () => {
    await waitReady(
      async () => {
        const client = new Redis({ host: HOST, port, password, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
        client.on("error", () => undefined);
        try {
          await client.connect();
          return (await client.ping()) === "PONG";
        } finally {
          client.disconnect();
        }
      },
      { what: `redis at ${HOST}:${port}`, timeoutMs: ctx.timeoutMs, spawned, logFile },
    );
    ctx.log(`redis: ready on ${HOST}:${port}`);
    return {
      kind: "redis" as const,
      processes: [spawned.proc],
      connection: connection({ kind: "redis", host: HOST, port, database: "0", admin: { user: "default", password } }),
    };
  });
}
