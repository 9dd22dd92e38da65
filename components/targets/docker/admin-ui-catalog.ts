import type { StoreKind } from "../../core/types";

/** The admin UIs the docker target can add (`polystore:docker.adminUis.<tool>`). */
export type AdminUiTool = "pgadmin" | "redisCommander" | "mongoExpress";

/** What one admin UI is, and its defaults. */
export interface AdminUiFacts {
  /** The store it administers; it runs only when that store is enabled on docker. */
  store: StoreKind;
  /** Default image, pinned to an exact version. */
  image: string;
  /** Default host port (the seeds' ports: pgAdmin 5050, Redis Commander 8081). */
  port: number;
  /** Port the tool listens on inside its container. */
  containerPort: number;
  /** Default container memory limit in MB. */
  memoryMb: number;
  /** Prefix of its env-file variables: `<PREFIX>_URL`, `<PREFIX>_USER`, `<PREFIX>_PASSWORD`. */
  envPrefix: string;
  /** Human name. */
  title: string;
}

export const ADMIN_UI_DEFAULTS: Record<AdminUiTool, AdminUiFacts> = {
  pgadmin: { store: "postgres", image: "dpage/pgadmin4:8.14", port: 5050, containerPort: 80, memoryMb: 256, envPrefix: "PGADMIN", title: "pgAdmin" },
  redisCommander: { store: "redis", image: "ghcr.io/joeferner/redis-commander:0.9.0", port: 8081, containerPort: 8081, memoryMb: 128, envPrefix: "REDIS_COMMANDER", title: "Redis Commander" },
  mongoExpress: { store: "mongodb", image: "mongo-express:1.0.2-20-alpine3.19", port: 8082, containerPort: 8081, memoryMb: 128, envPrefix: "MONGO_EXPRESS", title: "mongo-express" },
};

export const ADMIN_UI_TOOLS = Object.keys(ADMIN_UI_DEFAULTS) as AdminUiTool[];
