import type { RenderedStore, StoreRenderInput, StoreTarget } from "../../core/target";
import type { KubernetesStoreConfig } from "./schema";
import { clientPort } from "../../core/spec";
import { createInitJob } from "./init-job";
import type { KubernetesInfra } from "./namespace";
import { createStatefulStore } from "./statefulset";

export { kubernetesSchema, kubernetesStoreSchema, kubernetesBackupSchema, type KubernetesConfig, type KubernetesStoreConfig, type KubernetesBackupConfig } from "./schema";
export { createKubernetesInfra, namespaceName, tagLabels, labelValue, type KubernetesInfra } from "./namespace";
export { createStatefulStore, containerEnv, probes, FS_GROUP, type KubernetesStore } from "./statefulset";
export { createInitJob, readInitScripts, initCommand, INIT_CONNECTION_ENV, type InitScriptFiles } from "./init-job";
export { KubernetesBackups, createKubernetesBackups, backupCommand, BACKUP_CONNECTIONS_ENV, BACKUP_MOUNT, type KubernetesBackupsArgs } from "./backup";

/**
 * Target `kubernetes`: the store's spec as a StatefulSet in the stack's namespace, reached at
 * `<store>.<namespace>.svc.cluster.local`. The stores are not reachable from outside the
 * cluster, so init scripts run as a Job there (`init: "target"`), once the StatefulSet is ready.
 */
export function kubernetesTarget(infra: KubernetesInfra, store: KubernetesStoreConfig): StoreTarget {
  return {
    target: "kubernetes",
    render: (input) => renderKubernetes(input, infra, store),
    runInit: (input, connection, scripts, ready) => createInitJob(input, infra, connection, scripts, ready),
  };
}

export function renderKubernetes(input: StoreRenderInput, infra: KubernetesInfra, storeConfig: KubernetesStoreConfig): RenderedStore {
  const store = createStatefulStore(input, infra, storeConfig);
  return { host: store.host, port: clientPort(input.spec).containerPort, tls: false, ready: [store.statefulSet, store.service], init: "target" };
}
