import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { rootAlias, SharedResources } from "../../core/shared";
import type { KubernetesConfig } from "./schema";

/** What every Kubernetes store of a stack shares: the provider, the namespace and labels. */
export interface KubernetesInfra {
  /** The parent of the stack-wide Kubernetes resources (provider, namespace, connections Secret). */
  parent: pulumi.Resource;
  /** An explicit provider when `polystore:kubernetes.kubeconfig`/`context` is set; else the ambient one. */
  provider?: k8s.Provider;
  /** The stack's namespace. */
  namespace: pulumi.Output<string>;
  /** The Namespace resource when polystore creates it. */
  namespaceResource?: k8s.core.v1.Namespace;
  config: KubernetesConfig;
  stack: string;
  /** Labels from the stack's tags (keys and values made valid). */
  labels: Record<string, string>;
}

/** A Kubernetes label value: at most 63 of `[A-Za-z0-9_.-]`, alphanumeric at both ends. */
export function labelValue(v: string): string {
  return v.replace(/[^A-Za-z0-9_.-]+/g, "-").slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
}

/** Stack tags as labels under `polystore.io/`. */
export function tagLabels(tags: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { "app.kubernetes.io/part-of": "polystore", "app.kubernetes.io/managed-by": "pulumi" };
  for (const [k, v] of Object.entries(tags)) {
    const key = labelValue(k.toLowerCase());
    if (key) out[`polystore.io/${key}`] = labelValue(v);
  }
  return out;
}

/** The stack's namespace name: configured, else `polystore-<stack>`. */
export function namespaceName(cfg: KubernetesConfig, stack: string): string {
  const name = cfg.namespace ?? `polystore-${stack.toLowerCase()}`;
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) {
    throw new Error(`polystore:kubernetes.namespace: the default polystore-<stack> gives ${JSON.stringify(name)}, which is not a DNS label; set a namespace name (lower-case letters, digits and -, at most 63 characters)`);
  }
  return name;
}

/**
 * Once per stack: the provider (from a kubeconfig in secret config, or the
 * ambient configuration) and one namespace, `polystore-<stack>` unless
 * configured. The namespace is kept on destroy by default (it holds the
 * data volumes).
 */
export function createKubernetesInfra(k: KubernetesConfig, stack: string, tags: Record<string, string>): KubernetesInfra {
  const parent = new SharedResources("polystore:kubernetes:KubernetesTarget", "kubernetes");
  const provider =
    k.kubeconfig || k.context
      ? new k8s.Provider(
          "kubernetes",
          { kubeconfig: k.kubeconfig ? pulumi.secret(k.kubeconfig) : undefined, context: k.context },
          { parent, aliases: [rootAlias("kubernetes", "pulumi:providers:kubernetes")] },
        )
      : undefined;
  const name = namespaceName(k, stack);
  const labels = tagLabels(tags);
  const namespaceResource = k.createNamespace
    ? new k8s.core.v1.Namespace(
        "namespace",
        { metadata: { name, labels } },
        { parent, provider, retainOnDelete: k.keepDataOnDestroy, aliases: [rootAlias("namespace", "kubernetes:core/v1:Namespace")] },
      )
    : undefined;
  return {
    parent,
    provider,
    namespace: namespaceResource ? namespaceResource.metadata.name : pulumi.output(name),
    namespaceResource,
    config: k,
    stack,
    labels,
  };
}
