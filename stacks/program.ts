import * as pulumi from "@pulumi/pulumi";
import type { StoreConnection, StoreKind } from "../components/core/types";
import type { StoreSummary } from "../components/core/managed";
import { connectionSecretsParent, SINKS, type SinkResult, type SinkStore } from "../components/secrets";
import { StoreComponent } from "../components/stores/component";
import type { InitHook } from "../components/stores/store";
import { awsTarget, dockerTarget, externalTarget, kubernetesTarget, StackInfra, type StoreTarget } from "../components/targets";
import { KubernetesBackups } from "../components/targets/kubernetes";
import { kubernetesStoreSchema } from "../components/targets/kubernetes/schema";
import { DockerAdminUis } from "../components/targets/docker/admin-uis";
import { ADMIN_UI_DEFAULTS } from "../components/targets/docker/admin-ui-catalog";
import { enabledKinds, storeTarget, type PolystoreConfig } from "./config";
import { activeAdminUis, scriptsDirOf } from "./config/checks";

/** Options of `definePolystore`. */
export interface ProgramOptions {
  /** Runs each store's init scripts once it is ready; default: none (unit tests). */
  init?: InitHook;
}

/** What a polystore stack registers and exports. */
export interface PolystoreProgram {
  stores: Partial<Record<StoreKind, StoreComponent>>;
  /** The docker admin UIs, when `polystore:docker.adminUis.enabled`. */
  adminUis?: DockerAdminUis;
  /** The scheduled in-cluster backups, when a store runs on kubernetes and `polystore:kubernetes.backup.enabled`. */
  kubernetesBackups?: KubernetesBackups;
  sinks: SinkResult[];
  outputs: {
    /**
     * Non-secret summary: target, host, port, database per store, and on target aws the managed
     * resource `npm run backup` snapshots (components/core/managed.ts).
     */
    stores: pulumi.Output<Record<string, StoreSummary>>;
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

/**
 * The target a store runs on, bound to that target's typed settings: the stack-wide ones
 * (`polystore:docker|kubernetes|aws`) and the store's own block (`stores.<store>.<target>`).
 * The config checks guarantee the blocks a target needs are there.
 */
export function storeTargetOf(cfg: PolystoreConfig, kind: StoreKind, infra: StackInfra): StoreTarget {
  const s = cfg.stores[kind]!;
  switch (storeTarget(cfg, kind)) {
    case "docker":
      return dockerTarget(infra.docker(), cfg.docker);
    case "kubernetes":
      return kubernetesTarget(infra.kubernetes(), s.kubernetes ?? kubernetesStoreSchema.parse({}));
    case "external":
      if (!s.external) throw new Error(`polystore:stores.${kind}.external: required when the target is external`);
      return externalTarget(s.external);
    case "aws": {
      const st = cfg.stores;
      if (kind === "postgres") return awsTarget(infra.aws(), kind, st.postgres!, st.postgres!.aws);
      if (kind === "redis") return awsTarget(infra.aws(), kind, st.redis!, st.redis!.aws);
      if (kind === "mongodb") return awsTarget(infra.aws(), kind, st.mongodb!, st.mongodb!.aws);
      if (kind === "elasticsearch") return awsTarget(infra.aws(), kind, st.elasticsearch!, st.elasticsearch!.aws);
      throw new Error(`polystore:stores.${kind}.target: AWS has no managed ${kind}; use target kubernetes or external`);
    }
  }
}

/** Registers every enabled store on its target, then the connection-secret writers. */
export function definePolystore(cfg: PolystoreConfig, stack: string, opts: ProgramOptions = {}): PolystoreProgram {
  const tags = stackTags(cfg, stack);
  const kinds = enabledKinds(cfg);
  const infra = new StackInfra({ docker: cfg.docker, kubernetes: cfg.kubernetes, aws: cfg.aws }, stack, tags);

  const stores: PolystoreProgram["stores"] = {};
  for (const kind of kinds) {
    const s = cfg.stores[kind]!;
    const scripts = scriptsDirOf(cfg, kind);
    stores[kind] = new StoreComponent(kind, kind, {
      settings: s,
      target: storeTargetOf(cfg, kind, infra),
      stack,
      tags,
      existing: s.external,
      init: {
        enabled: cfg.initScripts.enabled,
        scriptsDir: scripts.dir,
        scriptsKey: scripts.key,
        timeoutSeconds: cfg.initScripts.timeoutSeconds,
        hook: opts.init,
      },
    });
  }

  const adminUis = createAdminUis(cfg, stack, tags, stores, infra);
  const onK8s = kinds.filter((k) => storeTarget(cfg, k) === "kubernetes");
  const kubernetesBackups =
    onK8s.length && (cfg.kubernetes?.backup.enabled ?? true)
      ? new KubernetesBackups(
          "backups",
          { infra: infra.kubernetes(), connections: onK8s.map((kind) => ({ kind, connection: stores[kind]!.connection })), dependsOn: onK8s.map((k) => stores[k]!) },
          { parent: infra.kubernetes().parent },
        )
      : undefined;
  const extraEnv = adminUis ? [{ title: "admin UIs (docker.adminUis)", vars: adminUis.env }] : [];
  const sinkStores: SinkStore[] = kinds.map((kind) => ({ kind, target: storeTarget(cfg, kind), env: stores[kind]!.env }));
  let parent: pulumi.Resource | undefined;
  const sinkContext = {
    config: cfg.connectionSecrets,
    stack,
    tags,
    stores: sinkStores,
    aws: cfg.aws ? { region: cfg.aws.region, kmsKeyArn: cfg.aws.kmsKeyArn, production: cfg.aws.production } : undefined,
    kubernetes: () => infra.kubernetes(),
    get parent(): pulumi.Resource {
      return (parent ??= connectionSecretsParent());
    },
    extraEnv,
  };
  const sinks = SINKS.map((sink) => sink(sinkContext)).filter((r): r is SinkResult => r !== undefined);

  const list = kinds.map((k) => stores[k]!);
  return {
    stores,
    adminUis,
    kubernetesBackups,
    sinks,
    outputs: {
      stores: pulumi
        .all(list.map((s) => pulumi.all([s.host, s.port, s.database, s.managed])))
        .apply((rows) =>
          Object.fromEntries(
            rows.map(([host, port, database, managed], i): [string, StoreSummary] => [
              kinds[i]!,
              { target: storeTarget(cfg, kinds[i]!), host, port, database, ...(managed ? { managed } : {}) },
            ]),
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
  stackInfra: StackInfra,
): DockerAdminUis | undefined {
  const tools = activeAdminUis(cfg);
  if (tools.length === 0 || !stackInfra.hasDocker()) return undefined;
  const infra = stackInfra.docker();
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
