import { z } from "zod";
import { commonStoreKeys, identifier, port } from "../schema";

/** MongoDB's pinned image (the latest patch of its line). */
export const MONGODB_IMAGE = "mongo:7.0.40";
/** Default container memory limit in MB (see StoreModule.memoryMb). */
export const MONGODB_MEMORY_MB = 384;

/** `polystore:stores.mongodb`. */
export const mongodbSchema = z.strictObject({
  ...commonStoreKeys(MONGODB_IMAGE),
  /** Database name. Default `app`. */
  database: identifier.default("app"),
  /** Administrative user (root role) used by the init runner only. Default `polystore_admin`. */
  adminUser: identifier.default("polystore_admin"),
  /** Application user with `readWrite` on `database` only. Default `app`. */
  appUser: identifier.default("app"),
  /** WiredTiger cache in GB (MongoDB's minimum is 0.25). Default 0.25. */
  wiredTigerCacheGb: z.number().min(0.25).default(0.25),
  /** Host port on Docker. Default 27017. */
  port: port.default(27017),
});

export type MongodbSettings = z.output<typeof mongodbSchema>;
