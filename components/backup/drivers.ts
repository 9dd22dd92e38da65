/** One backup driver per store kind (adding a store = one line here plus its file). */
import type { StoreConnection, StoreKind } from "../core/types";
import { createPostgresBackup } from "./postgres";
import { createRedisBackup } from "./redis";
import { createMongoBackup } from "./mongodb";
import { createElasticsearchBackup } from "./elasticsearch";
import { createClickHouseBackup } from "./clickhouse";
import { createNeo4jBackup } from "./neo4j";
import type { BackupDriver, DriverFactory } from "./types";

export const BACKUP_DRIVERS: Partial<Record<StoreKind, DriverFactory>> = {
  postgres: createPostgresBackup,
  redis: createRedisBackup,
  mongodb: createMongoBackup,
  elasticsearch: createElasticsearchBackup,
  clickhouse: createClickHouseBackup,
  neo4j: createNeo4jBackup,
};

export function createBackupDriver(conn: StoreConnection): BackupDriver {
  const f = BACKUP_DRIVERS[conn.kind];
  if (!f) throw new Error(`no backup driver for store kind "${conn.kind}" (known: ${Object.keys(BACKUP_DRIVERS).join(", ")})`);
  return f(conn);
}
