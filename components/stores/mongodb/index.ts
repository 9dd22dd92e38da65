import type { StoreModule } from "../module";
import { MONGODB_IMAGE, MONGODB_MEMORY_MB, mongodbSchema, type MongodbSettings } from "./schema";
import { mongodbSpec } from "./spec";

export { mongodbSpec } from "./spec";
export * from "./schema";

const e = encodeURIComponent;

/** MongoDB 7 with authentication on (type `polystore:mongodb:MongodbStore`). */
export const mongodb: StoreModule<"mongodb", MongodbSettings> = {
  kind: "mongodb",
  title: "MongoDB",
  componentType: "polystore:mongodb:MongodbStore",
  schema: mongodbSchema,
  image: MONGODB_IMAGE,
  memoryMb: MONGODB_MEMORY_MB,
  clientPort: 27017,
  urlVar: "MONGODB_URL",
  appEnv: ({ host, port, database: db, app, tls, options }) => {
    // DocumentDB keeps users in `admin` and has no retryable writes (options set by the aws target).
    const params = [`authSource=${options?.authSource ?? db}`];
    if (tls) params.push("tls=true");
    if (options?.retryWrites) params.push(`retryWrites=${options.retryWrites}`);
    return {
      MONGODB_URL: `mongodb://${e(app.user)}:${e(app.password)}@${host}:${port}/${db}?${params.join("&")}`,
      MONGODB_HOST: host,
      MONGODB_PORT: String(port),
      MONGODB_DB: db,
      MONGODB_USER: app.user,
      MONGODB_PASSWORD: app.password,
    };
  },
  users: (s) => ({ admin: s.adminUser, app: s.appUser, appKey: "appUser", adminKey: "adminUser", privileged: [] }),
  database: (s) => s.database,
  options: () => ({}),
  spec: mongodbSpec,
  hostPorts: (s) => ({ port: s.port }),
  init: { extensions: [".json"], adapter: () => import("../../init/adapters/mongodb").then((m) => m.createMongoAdapter) },
  targets: {
    kubernetes: { fsGroup: 999 },
    docker: {},
    aws: { service: "documentdb" },
  },
};
