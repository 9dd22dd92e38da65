import { POSTGRES_IMAGE, POSTGRES_MEMORY_MB, type PostgresSettings } from "./schema";
import type { SpecSecrets, StoreSpec } from "../../core/spec";

/** PostgreSQL 16 as a container: a superuser for the init runner, data on a volume. */
export function postgresSpec(cfg: PostgresSettings, secrets: SpecSecrets): StoreSpec {
  return {
    kind: "postgres",
    image: cfg.image ?? POSTGRES_IMAGE,
    command: ["postgres", "-c", `max_connections=${cfg.maxConnections}`, "-c", "password_encryption=scram-sha-256"],
    env: {
      POSTGRES_USER: cfg.adminUser,
      POSTGRES_DB: cfg.database,
      POSTGRES_INITDB_ARGS: "--auth-host=scram-sha-256 --auth-local=scram-sha-256",
      PGDATA: "/var/lib/postgresql/data/pgdata",
    },
    secretEnv: { POSTGRES_PASSWORD: secrets.adminPassword },
    ports: [{ name: "client", containerPort: 5432, hostPort: cfg.port }],
    healthcheck: {
      shell: `pg_isready -h 127.0.0.1 -U ${cfg.adminUser} -d ${cfg.database}`,
      intervalSeconds: 5,
      timeoutSeconds: 5,
      retries: 20,
      startPeriodSeconds: 10,
    },
    dataPath: "/var/lib/postgresql/data",
    memoryMb: cfg.memoryMb ?? POSTGRES_MEMORY_MB,
    settings: {
      database: cfg.database,
      ownerRole: cfg.ownerRole,
      appRole: cfg.appRole,
      max_connections: cfg.maxConnections,
    },
  };
}
