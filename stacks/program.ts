import * as pulumi from "@pulumi/pulumi";
import {
  ClickhouseStore,
  ElasticsearchStore,
  MongodbStore,
  Neo4jStore,
  PostgresStore,
  RedisStore,
} from "../components";
import { SINKS, type SinkResult, type SinkStore } from "../components/secrets";
import type { StoreComponent } from "../components/stores/component";
import type { StoreSettings } from "../components/stores/settings";
import type { InitHook, StoreArgs } from "../components/stores/store";
import type { SharedInfra } from "../components/targets/target";
import type { StoreConnection, StoreKind } from "../components/core/types";
import { RENDERERS, SHARED } from "../components/targets";
import { DockerAdminUis } from "../components/targets/docker/admin-uis";
import { ADMIN_UI_DEFAULTS } from "../components/targets/docker/admin-ui-catalog";
import type { DockerInfra } from "../components/targets/docker";
import { enabledKinds, storeTarget, type PolystoreConfig } from "./config";
import { activeAdminUis } from "./config/checks";

type StoreClass = new (name: string, args: StoreArgs<never>, opts?: pulumi.ComponentResourceOptions) => StoreComponent<StoreSettings>;

const CLASSES: Record<StoreKind, StoreClass> = {
  postgres: PostgresStore,
  redis: RedisStore,
  mongodb: MongodbStore,
  elasticsearch: ElasticsearchStore,
  clickhouse: ClickhouseStore,
  neo4j: Neo4jStore,
};

/** Options of `definePolystore`. */
export interface ProgramOptions {
  /** Runs each store's init scripts once it is ready; default: none (unit tests). */
  init?: InitHook;
}

/** What a polystore stack registers and exports. */
export interface PolystoreProgram {
  stores: Partial<Record<StoreKind, StoreComponent<StoreSettings>>>;
  /** The docker admin UIs, when `polystore:docker.adminUis.enabled`. */
  adminUis?: DockerAdminUis;
  sinks: SinkResult[];
  outputs: {
    /** Non-secret summary: target, host, port, database per store. */
    stores: pulumi.Output<Record<string, { target: string; host: string; port: number; database: string }>>;
    /** Admin + application connections per store, for `npm run migrate` and `npm run health` (secret). */
    connections: pulumi.Output<Record<string, StoreConnection>>;
    /** Every application variable (secret). */
    env: pulumi.Output<Record<string, string>>;
    /** Where each store's connection secret was written. */
    connectionSecrets: pulumi.Output<Array<{ sink: string; stores: string[]; location: string }>>;
  };
}

/** Tags for everything that takes tags. */
export function stackTags(cfg: PolystoreConfig, stack: string): Record<string, string> {
  return {
    project: "polystore",
    stack,
    ...(cfg.owner ? { owner: cfg.owner } : {}),
    ...(cfg.costCentre ? { "cost-centre": cfg.costCentre } : {}),
    ...cfg.tags,
  };
}

/** Registers every enabled store on its target, then the connection-secret writers. */
export function definePolystore(cfg: PolystoreConfig, stack: string, opts: ProgramOptions = {}): PolystoreProgram {
  const tags = stackTags(cfg, stack);
  const kinds = enabledKinds(cfg);
  const shared: SharedInfra = {};
  for (const target of new Set(kinds.map((k) => storeTarget(cfg, k)))) {
    shared[target] = SHARED[target]?.(cfg, stack, tags);
  }

  const stores: PolystoreProgram["stores"] = {};
  for (const kind of kinds) {
    const target = storeTarget(cfg, kind);
    const render = RENDERERS[target];
    if (!render) throw new Error(`polystore:stores.${kind}.target: target ${target} is not available for ${kind}`);
    const args: StoreArgs = { settings: cfg.stores[kind]!, target, config: cfg, stack, tags, render, shared, init: opts.init };
    stores[kind] = new CLASSES[kind](kind, args as StoreArgs<never>);
  }

  const adminUis = createAdminUis(cfg, stack, tags, stores, shared);
  const extraEnv = adminUis ? [{ title: "admin UIs (docker.adminUis)", vars: adminUis.env }] : [];
  const sinkStores: SinkStore[] = kinds.map((kind) => ({ kind, target: storeTarget(cfg, kind), env: stores[kind]!.env }));
  const sinks = SINKS.map((sink) => sink({ config: cfg, stack, tags, stores: sinkStores, shared, extraEnv })).filter(
    (s): s is SinkResult => s !== undefined,
  );

  const list = kinds.map((k) => stores[k]!);
  return {
    stores,
    adminUis,
    sinks,
    outputs: {
      stores: pulumi
        .all(list.map((s) => pulumi.all([s.host, s.port, s.database])))
        .apply((rows) =>
          Object.fromEntries(
            rows.map(([host, port, database], i) => [kinds[i], { target: storeTarget(cfg, kinds[i]), host, port, database }]),
          ),
        ),
      connections: pulumi.secret(pulumi.all(list.map((s) => s.connection)).apply((cs) => Object.fromEntries(cs.map((c) => [c.kind, c])))),
      env: pulumi.secret(pulumi.all(list.map((s) => s.env)).apply((envs) => Object.assign({}, ...envs) as Record<string, string>)),
      connectionSecrets: pulumi
        .all(sinks.map((s) => s.location))
        .apply((locs) => sinks.map((s, i) => ({ sink: s.sink, stores: s.stores, location: locs[i] }))),
    },
  };
}

/** The opt-in admin UIs of the docker stores (`polystore:docker.adminUis`), or undefined when none runs. */
function createAdminUis(
  cfg: PolystoreConfig,
  stack: string,
  tags: Record<string, string>,
  stores: PolystoreProgram["stores"],
  shared: SharedInfra,
): DockerAdminUis | undefined {
  const tools = activeAdminUis(cfg);
  const infra = shared.docker as DockerInfra | undefined;
  if (tools.length === 0 || !infra) return undefined;
  const ui = cfg.docker.adminUis;
  return new DockerAdminUis("admin-uis", {
    tools: tools.map((tool) => {
      const store = stores[ADMIN_UI_DEFAULTS[tool].store]!;
      return { tool, image: ui[tool].image, port: ui[tool].port, memoryMb: ui[tool].memoryMb, connection: store.connection, store };
    }),
    infra,
    bindAddress: cfg.docker.bindAddress,
    stack,
    tags,
    healthTimeoutSeconds: cfg.docker.healthTimeoutSeconds,
  });
}
