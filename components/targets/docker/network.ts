import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { rootAlias, SharedResources } from "../../core/shared";
import type { DockerConfig } from "./schema";

/** What every Docker store of a stack shares. */
export interface DockerInfra {
  /** The parent of the stack-wide Docker resources. */
  parent: pulumi.Resource;
  network: docker.Network;
  provider?: docker.Provider;
}

/** One private bridge network per stack (and a provider when `docker.host` is set). */
export function createDockerNetwork(stack: string, cfg: DockerConfig, labels: Record<string, string>): DockerInfra {
  const parent = new SharedResources("polystore:docker:DockerTarget", "docker");
  const provider = cfg.host
    ? new docker.Provider("docker", { host: cfg.host }, { parent, aliases: [rootAlias("docker", "pulumi:providers:docker")] })
    : undefined;
  const network = new docker.Network(
    "network",
    {
      name: `polystore-${stack}`,
      driver: "bridge",
      labels: Object.entries(labels).map(([label, value]) => ({ label, value })),
    },
    { parent, provider, aliases: [rootAlias("network", "docker:index/network:Network")] },
  );
  return { parent, network, provider };
}
