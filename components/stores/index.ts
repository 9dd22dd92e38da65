import { STORE_KINDS, type StoreConnection, type StoreKind } from "../core/types";
import { clickhouse, type ClickhouseSettings } from "./clickhouse";
import { elasticsearch, type ElasticsearchSettings } from "./elasticsearch";
import type { StoreModule } from "./module";
import { mongodb, type MongodbSettings } from "./mongodb";
import { neo4j, type Neo4jSettings } from "./neo4j";
import { postgres, type PostgresSettings } from "./postgres";
import { redis, type RedisSettings } from "./redis";

export type { StoreModule, StoreUsers, AwsFact } from "./module";
export type { PostgresSettings } from "./postgres";
export type { RedisSettings } from "./redis";
export type { MongodbSettings } from "./mongodb";
export type { ElasticsearchSettings } from "./elasticsearch";
export type { ClickhouseSettings } from "./clickhouse";
export type { Neo4jSettings } from "./neo4j";

/** Validated settings per store kind (the store's own keys; targets' blocks are composed in stacks/config). */
export interface StoreSettingsByKind {
  postgres: PostgresSettings;
  redis: RedisSettings;
  mongodb: MongodbSettings;
  elasticsearch: ElasticsearchSettings;
  clickhouse: ClickhouseSettings;
  neo4j: Neo4jSettings;
}
export type StoreSettings = StoreSettingsByKind[StoreKind];

/** The six stores, one module each (components/stores/<store>/). A seventh store is one folder and one line here. */
export const STORES: { [K in StoreKind]: StoreModule<K, StoreSettingsByKind[K]> } = {
  postgres,
  redis,
  mongodb,
  elasticsearch,
  clickhouse,
  neo4j,
};

/** A store's module, typed by its kind. */
export function storeModule<K extends StoreKind>(kind: K): StoreModule<K, StoreSettingsByKind[K]> {
  return STORES[kind];
}

/** Per-store facts every target needs, as one table (derived from the modules; documentation and tests read it). */
export const CATALOG: Record<StoreKind, { image: string; memoryMb: number; clientPort: number; title: string }> = Object.fromEntries(
  STORE_KINDS.map((k) => [k, { image: STORES[k].image, memoryMb: STORES[k].memoryMb, clientPort: STORES[k].clientPort, title: STORES[k].title }]),
) as Record<StoreKind, { image: string; memoryMb: number; clientPort: number; title: string }>;

/** The main URL variable applications read, per store. */
export const URL_VAR: Record<StoreKind, string> = Object.fromEntries(STORE_KINDS.map((k) => [k, STORES[k].urlVar])) as Record<StoreKind, string>;

/** The application's variables for one connection (its store's `appEnv`). */
export function appEnv(c: StoreConnection): Record<string, string> {
  return STORES[c.kind].appEnv(c);
}

/** The variable names `appEnv` produces for a store, without values (documentation, policies). */
export function appEnvNames(kind: StoreKind): string[] {
  const dummy: StoreConnection = { kind, host: "h", port: 1, tls: false, database: "d", admin: { user: "a", password: "p" }, app: { user: "a", password: "p" } };
  return Object.keys(appEnv(dummy));
}

/** The admin and application user names a store's settings define. */
export function userNames<K extends StoreKind>(kind: K, s: StoreSettingsByKind[K]): { admin: string; app: string } {
  const u = storeModule(kind).users(s);
  return { admin: u.admin, app: u.app };
}

/** The database / namespace name of a store. */
export function databaseName<K extends StoreKind>(kind: K, s: StoreSettingsByKind[K]): string {
  return storeModule(kind).database(s);
}
