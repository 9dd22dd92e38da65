import { z } from "zod";

/** Per-store Kubernetes settings (target `kubernetes`). */
export const kubernetesStoreSchema = z.strictObject({});

/** `polystore:kubernetes`: the cluster and namespace stores are placed in. */
export const kubernetesSchema = z.strictObject({});
export type KubernetesConfig = z.output<typeof kubernetesSchema>;
