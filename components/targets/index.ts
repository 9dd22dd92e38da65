import type * as pulumi from "@pulumi/pulumi";
import type { PolystoreConfig } from "../../stacks/config/schema";
import { createAwsInfra, renderAws } from "./aws";
import { createDockerNetwork, renderDocker } from "./docker";
import { renderExternal } from "./external";
import { createKubernetesInfra, renderKubernetes } from "./kubernetes";
import type { TargetRenderer } from "./target";
import type { Target } from "../core/types";

/** Every target's renderer. */
export const RENDERERS: Partial<Record<Target, TargetRenderer>> = {
  docker: renderDocker,
  kubernetes: renderKubernetes,
  aws: renderAws,
  external: renderExternal,
};

/** Creates what a target's stores share (network, namespace, subnet group...), once per stack. */
export type SharedFactory = (cfg: PolystoreConfig, stack: string, tags: Record<string, string>, parent?: pulumi.Resource) => unknown;

export const SHARED: Partial<Record<Target, SharedFactory>> = {
  docker: (cfg, stack, tags, parent) => createDockerNetwork(stack, cfg.docker, tags, parent),
  kubernetes: (cfg, stack, tags, parent) => createKubernetesInfra(cfg, stack, tags, parent),
  aws: (cfg, stack) => createAwsInfra(cfg, stack),
};
