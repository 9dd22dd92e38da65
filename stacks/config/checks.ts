import { ADMIN_UI_DEFAULTS, ADMIN_UI_TOOLS, type AdminUiTool } from "../../components/targets/docker/admin-ui-catalog";
import { CATALOG, STORES, storeModule } from "../../components/stores";
import { redisAwsService } from "../../components/targets/aws/redis";
import { STORE_KINDS, type StoreKind, type Target } from "../../components/core/types";
import { keyPath } from "./errors";
import type { PolystoreConfig } from "./schema";

/** A cross-field rule: pushes one line per problem. */
export type ConfigCheck = (cfg: PolystoreConfig, problems: string[]) => void;


/** The target a store resolves to. */
export function storeTarget(cfg: PolystoreConfig, kind: StoreKind): Target {
  return cfg.stores[kind]?.target ?? cfg.target;
}

/** A store's init-scripts folder (relative to the project) and the config key that sets it. */
export function scriptsDirOf(cfg: PolystoreConfig, kind: StoreKind): { dir: string; key: string } {
  const own = cfg.stores[kind]?.initScripts;
  return own !== undefined
    ? { dir: own, key: keyPath(["stores", kind, "initScripts"]) }
    : { dir: `${cfg.initScripts.dir}/${kind}`, key: keyPath(["initScripts", "dir"]) };
}

/** Enabled store kinds in a stable order. */
export function enabledKinds(cfg: PolystoreConfig): StoreKind[] {
  return STORE_KINDS.filter((k) => cfg.stores[k] !== undefined && cfg.stores[k]!.enabled);
}

const atLeastOneStore: ConfigCheck = (cfg, problems) => {
  if (enabledKinds(cfg).length === 0) {
    problems.push(`${keyPath(["stores"])}: expected at least one enabled store (one of ${STORE_KINDS.join(", ")})`);
  }
};

const externalEndpoints: ConfigCheck = (cfg, problems) => {
  for (const kind of enabledKinds(cfg)) {
    const s = cfg.stores[kind]!;
    const target = storeTarget(cfg, kind);
    if (target === "external" && !s.external) {
      problems.push(`${keyPath(["stores", kind, "external"])}: required when the target is external (host, port, adminUser, adminPassword)`);
    }
    if (target !== "external" && s.external) {
      problems.push(`${keyPath(["stores", kind, "external"])}: only used with target external, but the target is ${target}`);
    }
  }
};

const awsServices: ConfigCheck = (cfg, problems) => {
  for (const kind of enabledKinds(cfg)) {
    const fact = STORES[kind].targets.aws;
    if ("none" in fact && storeTarget(cfg, kind) === "aws") problems.push(`${keyPath(["stores", kind, "target"])}: ${fact.none}`);
  }
};

/** The admin UIs that run: adminUis.enabled, the tool enabled, and its store enabled on docker. */
export function activeAdminUis(cfg: PolystoreConfig): AdminUiTool[] {
  const ui = cfg.docker.adminUis;
  if (!ui.enabled) return [];
  const docker = new Set(enabledKinds(cfg).filter((k) => storeTarget(cfg, k) === "docker"));
  return ADMIN_UI_TOOLS.filter((t) => ui[t].enabled && docker.has(ADMIN_UI_DEFAULTS[t].store));
}

/** Docker containers' memory limits (stores and admin UIs) must fit the budget, and host ports must not collide. */
const dockerFits: ConfigCheck = (cfg, problems) => {
  const docker = enabledKinds(cfg).filter((k) => storeTarget(cfg, k) === "docker");
  const uis = activeAdminUis(cfg);
  const asks: Array<[string, number]> = [
    ...docker.map((k): [string, number] => [k, cfg.stores[k]!.memoryMb ?? CATALOG[k].memoryMb]),
    ...uis.map((t): [string, number] => [`adminUis.${t}`, cfg.docker.adminUis[t].memoryMb]),
  ];
  const total = asks.reduce((sum, [, mb]) => sum + mb, 0);
  if (total > cfg.docker.memoryBudgetMb) {
    const parts = asks.map(([what, mb]) => `${what} ${mb}`).join(", ");
    problems.push(
      `${keyPath(["docker", "memoryBudgetMb"])}: the docker containers ask for ${total} MB (${parts}), more than the budget of ${cfg.docker.memoryBudgetMb} MB; lower stores.<store>.memoryMb${uis.length ? " or docker.adminUis.<tool>.memoryMb" : ""}, or raise the budget to at least ${total}`,
    );
  }
  const seen = new Map<number, string>();
  const claim = (key: string[], port: number | undefined) => {
    if (port === undefined) return;
    const other = seen.get(port);
    if (other) problems.push(`${keyPath(key)}: host port ${port} is already used by ${other}`);
    else seen.set(port, key.join("."));
  };
  for (const kind of docker) {
    const ports = storeModule(kind).hostPorts(cfg.stores[kind]!);
    for (const [key, port] of Object.entries(ports)) claim(["stores", kind, key], port);
  }
  for (const t of uis) claim(["docker", "adminUis", t, "port"], cfg.docker.adminUis[t].port);
};

/** Stores on aws need the existing network, something allowed in, and settings the service can honour. */
const awsNetwork: ConfigCheck = (cfg, problems) => {
  const onAws = enabledKinds(cfg).filter((k) => storeTarget(cfg, k) === "aws");
  for (const kind of enabledKinds(cfg)) {
    const s = cfg.stores[kind] as { aws?: unknown };
    if (s.aws !== undefined && !onAws.includes(kind)) {
      problems.push(`${keyPath(["stores", kind, "aws"])}: only used with target aws, but the target is ${storeTarget(cfg, kind)}`);
    }
  }
  if (onAws.length === 0) return;
  const list = onAws.join(", ");
  const aws = cfg.aws;
  if (!aws?.vpcId) {
    problems.push(`${keyPath(["aws", "vpcId"])}: required when a store's target is aws (${list}): the id of the existing VPC the stores are placed in, e.g. vpc-0123456789abcdef0`);
  }
  if (!aws?.subnetIds) {
    problems.push(`${keyPath(["aws", "subnetIds"])}: required when a store's target is aws (${list}): at least two private subnet ids of that VPC in different Availability Zones`);
  }
  if (!aws || (aws.allowedCidrs.length === 0 && aws.allowedSecurityGroupIds.length === 0)) {
    problems.push(
      `${keyPath(["aws", "allowedSecurityGroupIds"])}: expected at least one security group or CIDR (${keyPath(["aws", "allowedCidrs"])}) allowed to connect; otherwise neither applications nor the init runner can reach ${list}`,
    );
  }
};

const awsRedis: ConfigCheck = (cfg, problems) => {
  const r = cfg.stores.redis;
  if (!r?.enabled || storeTarget(cfg, "redis") !== "aws") return;
  const service = redisAwsService(r, r.aws);
  if (service === "elasticache" && r.appendonly) {
    problems.push(
      `${keyPath(["stores", "redis", "aws", "service"])}: ElastiCache has no AOF persistence, but ${keyPath(["stores", "redis", "appendonly"])} is true; use service memorydb (every write kept in a Multi-AZ transaction log) or set appendonly: false to accept losing writes since the last snapshot`,
    );
  }
  if (service === "memorydb" && !/^[a-z][a-z0-9-]*$/.test(r.appUser)) {
    problems.push(`${keyPath(["stores", "redis", "appUser"])}: MemoryDB user names allow only lower-case letters, digits and -, got ${JSON.stringify(r.appUser)}`);
  }
  if (r.aws?.automaticFailover === true && (r.aws.replicas ?? (cfg.aws?.production ? 1 : 0)) < 1) {
    problems.push(`${keyPath(["stores", "redis", "aws", "automaticFailover"])}: needs at least one replica (${keyPath(["stores", "redis", "aws", "replicas"])} >= 1)`);
  }
};

const awsSearch: ConfigCheck = (cfg, problems) => {
  const e = cfg.stores.elasticsearch;
  if (!e?.enabled || storeTarget(cfg, "elasticsearch") !== "aws") return;
  const count = e.aws?.instanceCount ?? (cfg.aws?.production ? 2 : 1);
  if ((e.aws?.zoneAwareness ?? count >= 2) && count % 2 !== 0) {
    problems.push(`${keyPath(["stores", "elasticsearch", "aws", "instanceCount"])}: zone awareness over two Availability Zones needs an even number of nodes, got ${count}`);
  }
};

/** Kubernetes stores need a runner image for their init Jobs; per-store blocks only where used. */
const kubernetesTarget: ConfigCheck = (cfg, problems) => {
  const onK8s = enabledKinds(cfg).filter((k) => storeTarget(cfg, k) === "kubernetes");
  for (const kind of enabledKinds(cfg)) {
    if (cfg.stores[kind]!.kubernetes !== undefined && !onK8s.includes(kind)) {
      problems.push(`${keyPath(["stores", kind, "kubernetes"])}: only used with target kubernetes, but the target is ${storeTarget(cfg, kind)}`);
    }
  }
  const backups = cfg.kubernetes?.backup.enabled ?? true;
  if (onK8s.length > 0 && (cfg.initScripts.enabled || backups) && !cfg.kubernetes?.runnerImage) {
    const uses = [
      ...(cfg.initScripts.enabled ? [`the init Jobs (or set ${keyPath(["initScripts", "enabled"])}: false)`] : []),
      ...(backups ? [`the scheduled backup CronJob (or set ${keyPath(["kubernetes", "backup", "enabled"])}: false)`] : []),
    ];
    problems.push(
      `${keyPath(["kubernetes", "runnerImage"])}: required when a store's target is kubernetes (${onK8s.join(", ")}): a pinned image of this project that runs ${uses.join(" and ")} inside the cluster`,
    );
  }
};

/** Every cross-field rule; target modules add theirs here. */
export const CONFIG_CHECKS: ConfigCheck[] = [
  atLeastOneStore,
  externalEndpoints,
  awsServices,
  dockerFits,
  awsNetwork,
  awsRedis,
  awsSearch,
  kubernetesTarget,
];
