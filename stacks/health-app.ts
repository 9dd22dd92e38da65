/**
 * The application identity's half of `npm run health`: can the application
 * still log in with the password the stack holds? A compromised application can
 * change its own password on some engines (PostgreSQL: `ALTER ROLE CURRENT_USER
 * PASSWORD …`), locking out every other instance until the next apply resets it;
 * this is how an operator notices. Never prints the password. Each driver is loaded only
 * when its store is checked.
 */
import { errorText } from "../components/init/adapter";
import type { StoreConnection } from "../components/core/types";

/** The message health prints when the application's login is refused. */
export const APP_PASSWORD_MISMATCH = "app password does not match the stack";

/**
 * Logs in as `conn.app` (PostgreSQL, Redis) and returns undefined when that works,
 * {@link APP_PASSWORD_MISMATCH} when the server refuses the password, or another
 * problem; undefined too for stores whose application login is not checked here.
 */
export async function checkAppLogin(conn: StoreConnection, timeoutMs: number): Promise<string | undefined> {
  const secrets = [conn.admin.password, conn.app.password];
  try {
    if (conn.kind === "postgres") await postgresLogin(conn, timeoutMs);
    else if (conn.kind === "redis") await redisLogin(conn, timeoutMs);
    return undefined;
  } catch (err) {
    const text = errorText(err, secrets);
    if (/password authentication failed|WRONGPASS|28P01/i.test(text)) return APP_PASSWORD_MISMATCH;
    return `application login failed: ${text}`;
  }
}

async function postgresLogin(conn: StoreConnection, timeoutMs: number): Promise<void> {
  const { default: pg } = await import("pg");
  const c = new pg.Client({
    host: conn.host, port: conn.port, user: conn.app.user, password: conn.app.password, database: conn.database,
    ssl: conn.tls ? { rejectUnauthorized: conn.options?.tlsRejectUnauthorized !== "false" } : undefined,
    application_name: "polystore-health", connectionTimeoutMillis: timeoutMs,
  });
  c.on("error", () => undefined);
  try {
    await c.connect();
    await c.query("SELECT 1");
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function redisLogin(conn: StoreConnection, timeoutMs: number): Promise<void> {
  const { default: Redis } = await import("ioredis");
  const r = new Redis({
    host: conn.host, port: conn.port, username: conn.app.user, password: conn.app.password, tls: conn.tls ? {} : undefined,
    lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, enableReadyCheck: false, retryStrategy: () => null,
  });
  r.on("error", () => undefined);
  try {
    await r.connect();
    await r.ping();
  } finally {
    r.disconnect();
  }
}
