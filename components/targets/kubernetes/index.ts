import type { RenderContext, RenderedStore } from "../target";
import { clientPort } from "../../core/spec";
import { createInitJob } from "./init-job";
import type { KubernetesInfra } from "./namespace";
import { createStatefulStore } from "./statefulset";

export { createKubernetesInfra, namespaceName, tagLabels, labelValue, type KubernetesInfra } from "./namespace";
export { createStatefulStore, containerEnv, probes, FS_GROUP, type KubernetesStore } from "./statefulset";
export { createInitJob, readInitScripts, initCommand, INIT_CONNECTION_ENV, type InitScriptFiles } from "./init-job";

/**
 * Target `kubernetes`: the store's spec as a StatefulSet in the stack's
 * namespace, reached at `<store>.<namespace>.svc.cluster.local`. The stores
 * are not reachable from outside the cluster, so init scripts run as a Job
 * there (`init: "target"`), once the StatefulSet is ready.
 */
export function renderKubernetes(ctx: RenderContext): RenderedStore {
  const infra = ctx.shared.kubernetes as KubernetesInfra | undefined;
  if (!infra) throw new Error(`kubernetes target: no shared namespace for ${ctx.name}`);
  const store = createStatefulStore(ctx, infra);
  const port = clientPort(ctx.spec).containerPort;
  const ready = [store.statefulSet, store.service];
  const job = ctx.config.initScripts.enabled ? createInitJob(ctx, infra, store.host, port, ready) : undefined;
  return {
    host: store.host,
    port,
    tls: false,
    ready: job ? [...ready, job] : ready,
    init: "target",
  };
}
