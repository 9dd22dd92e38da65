import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StoreConnection, StoreKind } from "../../core/types";
import type { KubernetesInfra } from "./namespace";

/** The variable the backup run reads its connections from (`npm run backup -- --connections-env`). */
export const BACKUP_CONNECTIONS_ENV = "POLYSTORE_BACKUP_CONNECTIONS";
/** Where the backups volume is mounted in the backup pod; archives go straight into it. */
export const BACKUP_MOUNT = "/backups";

/** The command line of the scheduled run (stacks/backup/backup.ts), the same `npm run backup` people run. */
export function backupCommand(stack: string, keepDays: number): string[] {
  return ["npm", "run", "backup", "--", "run", "--stack", stack, "--connections-env", BACKUP_CONNECTIONS_ENV, "--to", BACKUP_MOUNT, "--keep-days", String(keepDays)];
}

/** Arguments of {@link KubernetesBackups}. */
export interface KubernetesBackupsArgs {
  /** The stack's Kubernetes infrastructure (namespace, provider, labels, `polystore:kubernetes` settings). */
  infra: KubernetesInfra;
  /** The stores on Kubernetes and their one connection each (admin identity used; as createStore built them). */
  connections: Array<{ kind: StoreKind; connection: pulumi.Output<StoreConnection> }>;
  /** Resources that must exist first (the stores' StatefulSets). */
  dependsOn?: pulumi.Resource[];
}

/**
 * Scheduled backups of a stack's Kubernetes stores, in the cluster where they are reachable:
 * a CronJob running `npm run backup -- run --stack <stack> --connections-env … --to /backups
 * --keep-days <n>` from `polystore:kubernetes.runnerImage` (which must carry `pg_dump` and
 * `redis-cli`, see docs/backup.md), writing one archive per run into the `backups`
 * PersistentVolumeClaim and pruning archives older than `keepDays`. The stores' admin
 * connections reach the pod from a Secret, never its command line. The claim is kept when the
 * stack is destroyed unless `polystore:kubernetes.keepDataOnDestroy` is false.
 */
export class KubernetesBackups extends pulumi.ComponentResource {
  readonly cronJob: k8s.batch.v1.CronJob;
  readonly claim: k8s.core.v1.PersistentVolumeClaim;
  /** Namespace and name of the CronJob (for `kubectl create job --from=cronjob/…`). */
  readonly cronJobName: pulumi.Output<string>;

  constructor(name: string, args: KubernetesBackupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("polystore:kubernetes:Backups", name, {}, opts);
    const made = createKubernetesBackups(name, args, this);
    this.cronJob = made.cronJob;
    this.claim = made.claim;
    this.cronJobName = made.cronJob.metadata.name;
    this.registerOutputs({ cronJobName: this.cronJobName });
  }
}

/** Creates the claim, the connections Secret and the CronJob of {@link KubernetesBackups} under `parent`. */
export function createKubernetesBackups(name: string, args: KubernetesBackupsArgs, parent: pulumi.Resource) {
  const { infra } = args;
  const cfg = infra.config.backup;
  const image = infra.config.runnerImage;
  if (!image) throw new Error("polystore:kubernetes.runnerImage: required for scheduled backups (or set polystore:kubernetes.backup.enabled: false)");
  if (!args.connections.length) throw new Error(`${name}: no store runs on kubernetes; there is nothing to back up in the cluster`);
  const opts = { parent, provider: infra.provider };
  const namespace = infra.namespace;
  const labels = { ...infra.labels, "app.kubernetes.io/component": "backup" };

  const claim = new k8s.core.v1.PersistentVolumeClaim(
    `${name}-volume`,
    {
      metadata: { namespace, name: "polystore-backups", labels },
      spec: {
        accessModes: ["ReadWriteOnce"],
        storageClassName: cfg.storageClassName ?? infra.config.storageClassName,
        resources: { requests: { storage: `${cfg.storageGb}Gi` } },
      },
    },
    // The archives are the point: never dropped with the stack unless the stack says its data may go.
    { ...opts, retainOnDelete: infra.config.keepDataOnDestroy },
  );
  const secret = new k8s.core.v1.Secret(
    `${name}-connections`,
    {
      metadata: { namespace, labels },
      type: "Opaque",
      stringData: pulumi.secret(
        pulumi.all(args.connections.map((c) => c.connection)).apply((cs) => ({ [BACKUP_CONNECTIONS_ENV]: JSON.stringify(Object.fromEntries(cs.map((c) => [c.kind, c]))) })),
      ),
    },
    opts,
  );
  const workdir = infra.config.runnerWorkdir.replace(/\/+$/, "");
  const cronJob = new k8s.batch.v1.CronJob(
    name,
    {
      metadata: { namespace, name: "polystore-backup", labels },
      spec: {
        schedule: cfg.schedule,
        timeZone: cfg.timeZone,
        // One run at a time; a missed run is started late for up to an hour, then skipped (and the next one runs).
        concurrencyPolicy: "Forbid",
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels },
          spec: {
            backoffLimit: 1,
            activeDeadlineSeconds: cfg.timeoutMinutes * 60,
            template: {
              metadata: { labels },
              spec: {
                restartPolicy: "Never",
                enableServiceLinks: false,
                automountServiceAccountToken: false,
                imagePullSecrets: infra.config.imagePullSecrets.map((n) => ({ name: n })),
                containers: [
                  {
                    name: "backup",
                    image,
                    workingDir: workdir,
                    command: backupCommand(infra.stack, cfg.keepDays),
                    env: [{ name: BACKUP_CONNECTIONS_ENV, valueFrom: { secretKeyRef: { name: secret.metadata.name, key: BACKUP_CONNECTIONS_ENV } } }],
                    volumeMounts: [{ name: "backups", mountPath: BACKUP_MOUNT }],
                    resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "1Gi" } },
                  },
                ],
                volumes: [{ name: "backups", persistentVolumeClaim: { claimName: claim.metadata.name } }],
              },
            },
          },
        },
      },
    },
    { ...opts, dependsOn: args.dependsOn },
  );
  return { cronJob, claim, secret };
}
