import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { DockerConfig } from "./schema";

/** What every Docker store of a stack shares. */
export interface DockerInfra {
  network: docker.Network;
  provider?: docker.Provider;
}

/** One private bridge network per stack (and a provider when `docker.host` is set). */
export function createDockerNetwork(
  stack: string,
  cfg: DockerConfig,
  labels: Record<string, string>,
  parent?: pulumi.Resource,
): DockerInfra {
  const provider = cfg.host ? new docker.Provider("docker", { host: cfg.host }, { parent }) : undefined;
  const network = new docker.Network(
    "network",
    {
      name: `polystore-${stack}`,
      driver: "bridge",
      labels: Object.entries(labels).map(([label, value]) => ({ label, value })),
    },
    { parent, provider },
  );
  return { network, provider };
}
