import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { storeModule } from "../../stores";
import type { RenderedStore, StoreRenderInput, StoreTarget } from "../../core/target";
import type { DockerConfig } from "./schema";
import { clientPort, SERVER_SETTINGS_LABEL, type StoreSpec } from "../../core/spec";

export { SERVER_SETTINGS_LABEL } from "../../core/spec";

export { createDockerNetwork, type DockerInfra } from "./network";
import type { DockerInfra } from "./network";

/** `KEY=value` lines for a container, secret values kept secret. */
export function containerEnvs(spec: StoreSpec): pulumi.Output<string[]> {
  const plain = Object.entries(spec.env).map(([k, v]) => `${k}=${v}`);
  const secret = pulumi.all(spec.secretEnv).apply((vals) => Object.entries(vals).map(([k, v]) => `${k}=${v}`));
  return pulumi.secret(secret.apply((s) => [...plain, ...s]));
}

/**
 * polystore's labels on a store's container: which store, and its server settings in their one
 * typed form as JSON (`polystore.io/server-settings`), which the policy pack reads instead of
 * parsing the command line.
 */
export function storeLabels(spec: StoreSpec): Record<string, string> {
  return { "polystore.store": spec.kind, [SERVER_SETTINGS_LABEL]: JSON.stringify(spec.settings) };
}

/** Target `docker`, bound to the stack's network and `polystore:docker` settings. */
export function dockerTarget(infra: DockerInfra, cfg: DockerConfig): StoreTarget {
  return { target: "docker", render: (input) => renderDocker(input, infra, cfg) };
}

/**
 * Renders one store spec as a Docker container on the stack's private
 * network: pinned image, named data volume (never dropped by `pulumi up`),
 * health check with `wait: true`, memory limit, host ports on the bind
 * address only.
 */
export function renderDocker(ctx: StoreRenderInput, infra: DockerInfra, cfg: DockerConfig): RenderedStore {
  const { spec, name, parent } = ctx;
  const nofile = storeModule(spec.kind).targets.docker.nofile;
  const opts = { parent, provider: infra.provider };

  const image = new docker.RemoteImage(`${name}-image`, { name: spec.image, keepLocally: true }, opts);

  const volume = new docker.Volume(
    `${name}-data`,
    {
      name: `polystore-${ctx.stack}-${name}-data`,
      labels: Object.entries(ctx.tags).map(([label, value]) => ({ label, value })),
    },
    // The data volume outlives container replacements; with keepVolumesOnDestroy
    // (default) it also outlives `pulumi destroy`.
    { ...opts, retainOnDelete: cfg.keepVolumesOnDestroy },
  );

  const hc = spec.healthcheck;
  const container = new docker.Container(
    `${name}-container`,
    {
      name: `polystore-${ctx.stack}-${name}`,
      image: image.imageId,
      command: spec.command,
      envs: containerEnvs(spec),
      memory: spec.memoryMb,
      ports: spec.ports.map((p) => ({ internal: p.containerPort, external: p.hostPort, ip: cfg.bindAddress, protocol: "tcp" })),
      healthcheck: {
        tests: ["CMD-SHELL", hc.shell],
        interval: `${hc.intervalSeconds}s`,
        timeout: `${hc.timeoutSeconds}s`,
        retries: hc.retries,
        startPeriod: `${hc.startPeriodSeconds}s`,
      },
      volumes: [{ volumeName: volume.name, containerPath: spec.dataPath }],
      networksAdvanced: [{ name: infra.network.name, aliases: [name] }],
      ulimits: nofile ? [{ name: "nofile", soft: nofile, hard: nofile }] : [],
      labels: Object.entries({ ...ctx.tags, ...storeLabels(spec) }).map(([label, value]) => ({ label, value })),
      restart: "unless-stopped",
      mustRun: true,
      wait: true,
      waitTimeout: cfg.healthTimeoutSeconds,
    },
    // Fixed host ports would collide if the new container started before the old one is gone.
    { ...opts, deleteBeforeReplace: true },
  );

  return {
    host: cfg.bindAddress === "0.0.0.0" ? "127.0.0.1" : cfg.bindAddress,
    port: clientPort(spec).hostPort,
    tls: false,
    ready: [container],
  };
}
