import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { rootAlias } from "../core/shared";
import type { SecretSink } from "./index";

/**
 * A Kubernetes Secret in the stack's namespace holding every covered store's
 * application variables (the same names as the `.env` file), for pods to
 * mount with `envFrom: [{ secretRef: { name } }]`. On by default when a store
 * uses the kubernetes target, for the kubernetes stores; with `enabled: true`
 * for every store. Name default `polystore-connections`.
 */
export const kubernetesSecretSink: SecretSink = (ctx) => {
  const cfg = ctx.config.kubernetesSecret;
  const onK8s = ctx.stores.filter((s) => s.target === "kubernetes");
  if (!(cfg.enabled ?? onK8s.length > 0)) return undefined;
  const stores = cfg.enabled ? ctx.stores : onK8s;
  const infra = ctx.kubernetes();
  const name = cfg.name ?? "polystore-connections";
  const stringData = pulumi.secret(
    pulumi.all(stores.map((s) => s.env)).apply((envs) => Object.assign({}, ...envs) as Record<string, string>),
  );
  const secret = new k8s.core.v1.Secret(
    "connections-secret",
    {
      metadata: { name, namespace: infra.namespace, labels: { ...infra.labels, "polystore.io/stores": stores.map((s) => s.kind).join(".") } },
      type: "Opaque",
      stringData,
    },
    { parent: ctx.parent, provider: infra.provider, aliases: [rootAlias("connections-secret", "kubernetes:core/v1:Secret")] },
  );
  return {
    sink: "kubernetes-secret",
    stores: stores.map((s) => s.kind),
    location: pulumi.interpolate`${infra.namespace}/${name}`,
    resources: [secret],
  };
};
