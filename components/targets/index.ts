import type { Target } from "../core/types";
import { createAwsInfra, type AwsConfig, type AwsInfra } from "./aws";
import { createDockerNetwork, type DockerInfra } from "./docker";
import type { DockerConfig } from "./docker/schema";
import { createKubernetesInfra, kubernetesSchema, type KubernetesConfig, type KubernetesInfra } from "./kubernetes";

export { dockerTarget } from "./docker";
export { kubernetesTarget } from "./kubernetes";
export { awsTarget } from "./aws";
export { externalTarget } from "./external";
export type { StoreTarget, StoreRenderInput, RenderedStore, InitScriptsRef } from "../core/target";

/** The four targets, each in its folder with its own config schema (components/targets/<target>/schema.ts). */
export const TARGET_FOLDERS: Record<Target, string> = {
  docker: "components/targets/docker",
  kubernetes: "components/targets/kubernetes",
  aws: "components/targets/aws",
  external: "components/targets/external",
};

/** The targets' stack-wide settings, typed (`polystore:docker`, `polystore:kubernetes`, `polystore:aws`). */
export interface TargetsConfig {
  docker: DockerConfig;
  kubernetes?: KubernetesConfig;
  aws?: AwsConfig;
}

/**
 * What a stack's stores share per target (a Docker network, a Kubernetes namespace and provider,
 * the checked AWS network), each made once, on first use, under its own parent component.
 */
export class StackInfra {
  private dockerInfra?: DockerInfra;
  private kubernetesInfra?: KubernetesInfra;
  private awsInfra?: AwsInfra;

  constructor(
    private readonly cfg: TargetsConfig,
    private readonly stack: string,
    private readonly tags: Record<string, string>,
  ) {}

  docker(): DockerInfra {
    return (this.dockerInfra ??= createDockerNetwork(this.stack, this.cfg.docker, this.tags));
  }

  /** Whether the docker network was made (a docker store, or the admin UIs, use it). */
  hasDocker(): boolean {
    return this.dockerInfra !== undefined;
  }

  kubernetes(): KubernetesInfra {
    return (this.kubernetesInfra ??= createKubernetesInfra(this.cfg.kubernetes ?? kubernetesSchema.parse({}), this.stack, this.tags));
  }

  aws(): AwsInfra {
    return (this.awsInfra ??= createAwsInfra(this.cfg.aws, this.stack));
  }
}
