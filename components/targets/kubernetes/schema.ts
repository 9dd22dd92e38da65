import { z } from "zod";
import { pinnedImage } from "../../core/formats";

const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "expected a DNS label (lower-case letters, digits and -, at most 63 characters)");
const cpu = z.string().regex(/^(\d+m|\d+(\.\d+)?)$/, "expected a CPU quantity such as 250m or 1");

/** Per-store Kubernetes settings (`polystore:stores.<store>.kubernetes`, target `kubernetes`). */
export const kubernetesStoreSchema = z.strictObject({
  /** Size of the data PersistentVolumeClaim in GiB. Default 10. */
  storageGb: z.number().int().min(1).default(10),
  /** StorageClass of the data volume. Default `polystore:kubernetes.storageClassName` (else the cluster default). */
  storageClassName: dnsLabel.optional(),
  /** CPU request. Default `250m`. */
  cpuRequest: cpu.default("250m"),
  /** CPU limit. Default `1`. */
  cpuLimit: cpu.default("1"),
});
export type KubernetesStoreConfig = z.output<typeof kubernetesStoreSchema>;

/** A five-field cron expression (minute hour day-of-month month day-of-week). */
const cron = z
  .string()
  .regex(/^\s*(\S+\s+){4}\S+\s*$/, "expected a cron schedule of five fields, such as \"0 3 * * *\" (03:00 every day)");

/**
 * `polystore:kubernetes.backup`: scheduled backups of the stack's Kubernetes stores, taken in the
 * cluster by a CronJob running `npm run backup` from `runnerImage` into a PersistentVolumeClaim.
 */
export const kubernetesBackupSchema = z.strictObject({
  /** Take scheduled backups. Default true (they need `runnerImage`); false for throw-away stacks. */
  enabled: z.boolean().default(true),
  /** When, as cron in `timeZone`. Default `0 3 * * *`: daily, inside the seeds' 24 h recovery point objective. */
  schedule: cron.default("0 3 * * *"),
  /** Time zone of the schedule (IANA name). Default `Etc/UTC`. */
  timeZone: z.string().regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/, "expected an IANA time zone such as Etc/UTC or Europe/Berlin").default("Etc/UTC"),
  /** Archives older than this many days are deleted after each successful run. Default 7 (the seeds' RETENTION_DAYS). */
  keepDays: z.number().int().min(1).max(3650).default(7),
  /** Size of the backups PersistentVolumeClaim in GiB. Default 20. */
  storageGb: z.number().int().min(1).default(20),
  /** StorageClass of the backups volume. Default `polystore:kubernetes.storageClassName` (else the cluster default). */
  storageClassName: dnsLabel.optional(),
  /** A run still going after this many minutes is stopped and reported failed. Default 240 (the seeds' 4 h RTO). */
  timeoutMinutes: z.number().int().min(5).max(1440).default(240),
});
export type KubernetesBackupConfig = z.output<typeof kubernetesBackupSchema>;

/** `polystore:kubernetes`: the cluster and namespace stores are placed in. */
export const kubernetesSchema = z.strictObject({
  /** Namespace of the stack's stores. Default `polystore-<stack>`. */
  namespace: dnsLabel.optional(),
  /** Create the namespace (false: it exists already). Default true. */
  createNamespace: z.boolean().default(true),
  /**
   * Leave the namespace, and with it the stores' data volumes, in the cluster
   * when the stack is destroyed (Pulumi forgets it). Data PVCs are always kept
   * when a StatefulSet is deleted or replaced. Default true; false for
   * short-lived stacks whose data may go.
   */
  keepDataOnDestroy: z.boolean().default(true),
  /**
   * Kubeconfig contents or path for the cluster (set with `pulumi config set --secret`).
   * Default: the ambient configuration (`KUBECONFIG`, `~/.kube/config`, in-cluster).
   */
  kubeconfig: z.string().min(1).optional(),
  /** Context of the kubeconfig to use. Default: its current context. */
  context: z.string().min(1).optional(),
  /** StorageClass of data volumes. Default: the cluster's default StorageClass. */
  storageClassName: dnsLabel.optional(),
  /**
   * Image of the init-script runner Jobs, pinned: this repository with its npm
   * dependencies installed in `runnerWorkdir` (see docs/targets.md). Required
   * when a store runs on kubernetes and init scripts are enabled.
   */
  runnerImage: pinnedImage("registry.example.com/polystore-runner:0.1.0").optional(),
  /** Project root inside the runner image; scripts are mounted at `<runnerWorkdir>/init-scripts/<store>`. Default `/app`. */
  runnerWorkdir: z.string().regex(/^\/\S*$/, "expected an absolute path").default("/app"),
  /** Image pull secrets for the stores and the runner. Default none. */
  imagePullSecrets: z.array(dnsLabel).default([]),
  /** Retries of a failed init Job before it is reported failed. Default 2. */
  initBackoffLimit: z.number().int().min(0).max(10).default(2),
  /** Scheduled backups in the cluster (see {@link kubernetesBackupSchema}). */
  backup: kubernetesBackupSchema.prefault({}),
});
export type KubernetesConfig = z.output<typeof kubernetesSchema>;
