import { CATALOG } from "../../components/shared/catalog";
import { STORE_KINDS, type StoreKind, type Target } from "../../components/shared/types";
import { keyPath } from "./errors";
import type { PolystoreConfig } from "./schema";

/** A cross-field rule: pushes one line per problem. */
export type ConfigCheck = (cfg: PolystoreConfig, problems: string[]) => void;

/** Stores with no managed service on AWS. */
const NO_AWS_SERVICE: Partial<Record<StoreKind, string>> = {
  clickhouse: "AWS has no managed ClickHouse: use target kubernetes, or external (e.g. ClickHouse Cloud)",
  neo4j: "AWS has no managed Neo4j: use target kubernetes, or external (e.g. Neo4j Aura)",
};

/** The target a store resolves to. */
export function storeTarget(cfg: PolystoreConfig, kind: StoreKind): Target {
  return cfg.stores[kind]?.target ?? cfg.target;
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
    const why = NO_AWS_SERVICE[kind];
    if (why && storeTarget(cfg, kind) === "aws") problems.push(`${keyPath(["stores", kind, "target"])}: ${why}`);
  }
};

/** Docker containers' memory limits must fit the budget, and host ports must not collide. */
const dockerFits: ConfigCheck = (cfg, problems) => {
  const docker = enabledKinds(cfg).filter((k) => storeTarget(cfg, k) === "docker");
  const total = docker.reduce((sum, k) => sum + (cfg.stores[k]!.memoryMb ?? CATALOG[k].memoryMb), 0);
  if (total > cfg.docker.memoryBudgetMb) {
    const parts = docker.map((k) => `${k} ${cfg.stores[k]!.memoryMb ?? CATALOG[k].memoryMb}`).join(", ");
    problems.push(
      `${keyPath(["docker", "memoryBudgetMb"])}: the docker stores ask for ${total} MB (${parts}), more than the budget of ${cfg.docker.memoryBudgetMb} MB; lower stores.<store>.memoryMb or raise the budget`,
    );
  }
  const seen = new Map<number, string>();
  for (const kind of docker) {
    const s = cfg.stores[kind]! as { port: number; nativePort?: number; httpPort?: number };
    const ports: Array<[string, number | undefined]> = [["port", s.port], ["nativePort", s.nativePort], ["httpPort", s.httpPort]];
    for (const [key, port] of ports) {
      if (port === undefined) continue;
      const other = seen.get(port);
      if (other) problems.push(`${keyPath(["stores", kind, key])}: host port ${port} is already used by ${other}`);
      else seen.set(port, `stores.${kind}.${key}`);
    }
  }
};

/** Every cross-field rule; target modules add theirs here. */
export const CONFIG_CHECKS: ConfigCheck[] = [atLeastOneStore, externalEndpoints, awsServices, dockerFits];
