/**
 * One backup driver per store kind, loaded on demand: importing this module loads no
 * database driver; a store's backup module (and its driver) is loaded the first time a
 * backup driver is created for that kind. Adding a store = one line here plus its file.
 */
import type { StoreConnection, StoreKind } from "../core/types";
import type { BackupDriver, DriverFactory } from "./types";

export const BACKUP_DRIVERS: Partial<Record<StoreKind, () => Promise<DriverFactory>>> = {
  postgres: () => import("./postgres").then((m) => m.createPostgresBackup),
  redis: () => import("./redis").then((m) => m.createRedisBackup),
  mongodb: () => import("./mongodb").then((m) => m.createMongoBackup),
  elasticsearch: () => import("./elasticsearch").then((m) => m.createElasticsearchBackup),
  clickhouse: () => import("./clickhouse").then((m) => m.createClickHouseBackup),
  neo4j: () => import("./neo4j").then((m) => m.createNeo4jBackup),
};

/** The backup driver for `conn.kind`, loaded on first use; rejects naming the kind when none is registered. */
export async function createBackupDriver(conn: StoreConnection): Promise<BackupDriver> {
  const load = BACKUP_DRIVERS[conn.kind];
  if (!load) throw new Error(`no backup driver for store kind "${conn.kind}" (known: ${Object.keys(BACKUP_DRIVERS).join(", ")})`);
  return (await load())(conn);
}
