import { z } from "zod";
import { commonStoreKeys, identifier, port } from "../schema";

/** ClickHouse's pinned image (the latest patch of its line). */
export const CLICKHOUSE_IMAGE = "clickhouse/clickhouse-server:24.8.14.39";
/** Default container memory limit in MB (see StoreModule.memoryMb). */
export const CLICKHOUSE_MEMORY_MB = 576;

/** `polystore:stores.clickhouse`. */
export const clickhouseSchema = z.strictObject({
  ...commonStoreKeys(CLICKHOUSE_IMAGE),
  /** Database name. Default `app`. */
  database: identifier.default("app"),
  /** Non-default administrative user. Default `polystore_admin`. */
  adminUser: identifier.default("polystore_admin").refine((u) => u !== "default", "expected a user other than `default`"),
  /** Application user with grants on `database` only. Default `app`. */
  appUser: identifier.default("app"),
  /** HTTP port on Docker (CLICKHOUSE_URL). Default 8123. */
  port: port.default(8123),
  /** Native protocol port on Docker. Default 9000. */
  nativePort: port.default(9000),
});

export type ClickhouseSettings = z.output<typeof clickhouseSchema>;
