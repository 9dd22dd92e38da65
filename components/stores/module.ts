import type { z } from "zod";
import type { SpecSecrets, StoreSpec } from "../core/spec";
import type { AdapterFactory } from "../init/adapter";
import type { StoreConnection, StoreKind } from "../core/types";
import type { BaseStoreSettings } from "./schema";

/** The user names a store's settings define. */
export interface StoreUsers {
  /** Administrative identity (the init runner's; stays in Pulumi). */
  admin: string;
  /** Least-privilege application identity. */
  app: string;
  /** The config key that names the application identity (`appUser`, PostgreSQL `appRole`). */
  appKey: string;
  /** The config key that names the admin identity; undefined when it is the engine's built-in one. */
  adminKey?: string;
  /** Other identities the application must never be, each with why (owner role, built-in users). */
  privileged: Array<{ name: string; what: string }>;
}

/** The managed service a store becomes on the aws target, or why there is none. */
export type AwsFact = { service: string } | { none: string };

/**
 * Everything polystore knows about one store, in one place (`components/stores/<store>/`): its
 * config schema and defaults, container spec, identities, env variable names and per-target facts.
 * Targets render the spec; nothing else restates these values. A seventh store is one folder that
 * exports a `StoreModule` plus one line in `components/stores/index.ts`.
 */
export interface StoreModule<K extends StoreKind = StoreKind, S extends BaseStoreSettings = BaseStoreSettings> {
  kind: K;
  /** Human name, e.g. `PostgreSQL`. */
  title: string;
  /** The Pulumi type of the store's component, `polystore:<kind>:<Name>Store` (never renamed). */
  componentType: string;
  /** `polystore:stores.<kind>`: the store's own keys with their defaults (targets add their blocks). */
  schema: z.ZodType<S>;
  /** Image pinned to an exact version. */
  image: string;
  /**
   * Default container memory limit in MB: measured under load inside the limit (npm run test:load,
   * every store's peak ≤ 0.9 of it) and within each engine's documented headroom rule
   * (stacks/config/rules.ts); all six together (4096 MB) fit the 4 GiB dev budget.
   */
  memoryMb: number;
  /** Container port applications use. */
  clientPort: number;
  /** The main URL variable applications read (`DATABASE_URL`, `REDIS_URL`, ...). */
  urlVar: string;
  /** The variables applications read, for the application identity, under the seeds' names. */
  appEnv(c: StoreConnection): Record<string, string>;
  users(s: S): StoreUsers;
  /** Database / namespace name (Redis `0`, Elasticsearch the index prefix). */
  database(s: S): string;
  /** What the init runner enforces beyond users and database (PostgreSQL session limits, Redis Lua), as connection options. */
  options(s: S): Record<string, string>;
  /** Server settings the runner checks on the live server (Redis), in their one typed form. */
  server?(s: S): Record<string, string | number | boolean>;
  /** The store as a container (Docker and Kubernetes render it). */
  spec(s: S, secrets: SpecSecrets): StoreSpec;
  /** Host ports it publishes on Docker, keyed by their config key (`port`, `httpPort`, ...). */
  hostPorts(s: S): Record<string, number>;
  /** Its init scripts: the file extensions (static, known without loading anything) and its adapter, loaded on first use with its driver. */
  init: {
    extensions: readonly string[];
    adapter(): Promise<AdapterFactory>;
  };
  /** Per-target facts. */
  targets: {
    /** Group id its data volume is made writable for (the user its image runs the server as). */
    kubernetes: { fsGroup: number };
    /** `nofile` ulimit the engine documents it needs, when above Docker's default. */
    docker: { nofile?: number };
    aws: AwsFact;
  };
}

/** A module's validated settings type. */
export type SettingsOf<M> = M extends StoreModule<StoreKind, infer S> ? S : never;
