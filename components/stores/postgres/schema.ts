import { z } from "zod";
import { commonStoreKeys, identifier, port } from "../schema";

/** PostgreSQL's pinned image (the latest 16.x patch; the `patched-images` policy names the minimum). */
export const POSTGRES_IMAGE = "postgres:16.15-alpine";
/** Default container memory limit in MB (see StoreModule.memoryMb). */
export const POSTGRES_MEMORY_MB = 384;

/** A session limit of the PostgreSQL application role in ms: always on (no 0), at most a day. */
const sessionLimitMs = z.number().int().min(100).max(86_400_000);

/** `polystore:stores.postgres`. */
export const postgresSchema = z.strictObject({
  ...commonStoreKeys(POSTGRES_IMAGE),
  /** Database name. Default `app`. */
  database: identifier.default("app"),
  /** Role that owns the schema objects (NOLOGIN). Default `app_owner`. */
  ownerRole: identifier.default("app_owner"),
  /** Least-privilege role applications log in as, subject to row-level security. Default `app_user`. */
  appRole: identifier.default("app_user"),
  /** Administrative (superuser) login used by the init runner only. Default `polystore_admin`. */
  adminUser: identifier.default("polystore_admin"),
  /** Host port on Docker. Default 5432. */
  port: port.default(5432),
  /** `max_connections`. Default 100. */
  maxConnections: z.number().int().min(10).max(10000).default(100),
  /** `lock_timeout` of the application role (ALTER ROLE … SET), ms: how long one of its statements waits for a lock. Default 5000. */
  appLockTimeoutMs: sessionLimitMs.default(5_000),
  /** `statement_timeout` of the application role, ms: the longest statement it may run. Default 30000. */
  appStatementTimeoutMs: sessionLimitMs.default(30_000),
  /** `idle_in_transaction_session_timeout` of the application role, ms: an abandoned open transaction (and its locks) ends after this. Default 60000. */
  appIdleInTransactionTimeoutMs: sessionLimitMs.default(60_000),
});

export type PostgresSettings = z.output<typeof postgresSchema>;
