/**
 * Scheduled backups on the kubernetes target (components/targets/kubernetes/backup.ts), under
 * Pulumi's mocks: what the CronJob runs, where its archives go, how it gets the connections, and
 * the config that turns it on, off or is refused. The command it runs is run for real against the
 * harness's engines in test/stores/backup-cronjob.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { BACKUP_CONNECTIONS_ENV, BACKUP_MOUNT, backupCommand } from "../../../components/targets/kubernetes";
import { isSecretInput } from "../../util/mocks";
import { evaluate, inputs, ofType, problemsOf, resource, type Evaluated } from "./harness";

const RUNNER = "registry.example.com/platform/polystore-runner:0.1.0";
/** Three stores on kubernetes, three elsewhere: only the cluster's stores are backed up in the cluster. */
const MIXED = {
  target: "kubernetes",
  kubernetes: { runnerImage: RUNNER, storageClassName: "gp3" },
  stores: {
    postgres: {},
    redis: {},
    neo4j: {},
    mongodb: { target: "docker" },
  },
};

describe("kubernetes target: scheduled backups", () => {
  let e: Evaluated;
  beforeAll(async () => {
    e = await evaluate(MIXED, "prod-eu");
  });
  const cron = () => inputs(resource(e.registered, "batch/v1:CronJob", "backups"));
  const pod = () => cron().spec.jobTemplate.spec.template.spec;

  it("runs npm run backup daily at 03:00 UTC, one run at a time, into the backups volume, keeping 7 days", () => {
    const c = cron();
    expect(c.metadata).toMatchObject({ namespace: "polystore-prod-eu", name: "polystore-backup" });
    expect(c.spec).toMatchObject({ schedule: "0 3 * * *", timeZone: "Etc/UTC", concurrencyPolicy: "Forbid", startingDeadlineSeconds: 3600 });
    expect(c.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 1, activeDeadlineSeconds: 240 * 60 });
    const container = pod().containers[0];
    expect(container.image).toBe(RUNNER);
    expect(container.workingDir).toBe("/app");
    expect(container.command).toEqual(["npm", "run", "backup", "--", "run", "--stack", "prod-eu", "--connections-env", "POLYSTORE_BACKUP_CONNECTIONS", "--to", "/backups", "--keep-days", "7"]);
    expect(container.command).toEqual(backupCommand("prod-eu", 7));
    expect(container.volumeMounts).toEqual([{ name: "backups", mountPath: BACKUP_MOUNT }]);
    expect(pod().volumes).toEqual([{ name: "backups", persistentVolumeClaim: { claimName: "polystore-backups" } }]);
    expect(pod()).toMatchObject({ restartPolicy: "Never", automountServiceAccountToken: false, enableServiceLinks: false });
  });

  it("hands the pod the admin connections of the cluster's stores in a Secret, never on its command line", () => {
    const secret = resource(e.registered, "core/v1:Secret", "backups-connections");
    expect(isSecretInput(secret.inputs.stringData)).toBe(true);
    const conns = JSON.parse(inputs(secret).stringData[BACKUP_CONNECTIONS_ENV]);
    expect(Object.keys(conns).sort()).toEqual(["neo4j", "postgres", "redis"]);
    expect(conns.postgres).toMatchObject({ kind: "postgres", host: "postgres.polystore-prod-eu.svc.cluster.local", port: 5432, admin: { user: "polystore_admin" } });
    expect(conns.postgres.admin.password).toBe("mock-postgres-admin-password-pw");
    const env = pod().containers[0].env;
    expect(env).toEqual([{ name: BACKUP_CONNECTIONS_ENV, valueFrom: { secretKeyRef: { name: inputs(secret).metadata.name ?? expect.any(String), key: BACKUP_CONNECTIONS_ENV } } }]);
    expect(JSON.stringify(cron())).not.toContain("mock-postgres-admin-password-pw");
  });

  it("keeps the archives' volume when the stack is destroyed, on the configured StorageClass, under the Kubernetes target", () => {
    const claim = resource(e.registered, "core/v1:PersistentVolumeClaim", "backups-volume");
    expect(inputs(claim).spec).toEqual({ accessModes: ["ReadWriteOnce"], storageClassName: "gp3", resources: { requests: { storage: "20Gi" } } });
    expect(claim.options.retainOnDelete).toBe(true);
    const component = resource(e.registered, "polystore:kubernetes:Backups", "backups");
    expect(component.options.parent).toMatch(/polystore:kubernetes:KubernetesTarget::kubernetes$/);
    for (const r of [claim, resource(e.registered, "batch/v1:CronJob", "backups")]) expect(r.options.parent).toMatch(/polystore:kubernetes:Backups::backups$/);
  });

  it("takes its schedule, time zone, retention, size and deadline from polystore:kubernetes.backup", async () => {
    const tuned = await evaluate(
      { ...MIXED, kubernetes: { ...MIXED.kubernetes, keepDataOnDestroy: false, backup: { schedule: "30 1 * * 0", timeZone: "Europe/Berlin", keepDays: 30, storageGb: 200, storageClassName: "cold", timeoutMinutes: 60 } } },
      "prod-eu",
    );
    const c = inputs(resource(tuned.registered, "batch/v1:CronJob", "backups"));
    expect(c.spec).toMatchObject({ schedule: "30 1 * * 0", timeZone: "Europe/Berlin" });
    expect(c.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(3600);
    expect(c.spec.jobTemplate.spec.template.spec.containers[0].command.slice(-2)).toEqual(["--keep-days", "30"]);
    const claim = resource(tuned.registered, "core/v1:PersistentVolumeClaim", "backups-volume");
    expect(inputs(claim).spec).toMatchObject({ storageClassName: "cold", resources: { requests: { storage: "200Gi" } } });
    expect(claim.options.retainOnDelete).toBe(false);
  });

  it("is not made when turned off, or when no store runs on kubernetes", async () => {
    const off = await evaluate({ ...MIXED, kubernetes: { ...MIXED.kubernetes, backup: { enabled: false } } }, "prod-eu");
    expect(ofType(off.registered, "batch/v1:CronJob")).toHaveLength(0);
    expect(ofType(off.registered, "core/v1:PersistentVolumeClaim")).toHaveLength(0);
    const none = await evaluate({ target: "docker", stores: { postgres: {} } }, "dev");
    expect(ofType(none.registered, "batch/v1:CronJob")).toHaveLength(0);
  });

  it("refuses a bad schedule, time zone or retention, naming each key, and needs the runner image", () => {
    const p = problemsOf({ ...MIXED, kubernetes: { runnerImage: RUNNER, backup: { schedule: "daily", timeZone: "UTC+2", keepDays: 0 } } });
    expect(p).toEqual([
      'polystore:kubernetes.backup.schedule: expected a cron schedule of five fields, such as "0 3 * * *" (03:00 every day), got "daily"',
      'polystore:kubernetes.backup.timeZone: expected an IANA time zone such as Etc/UTC or Europe/Berlin, got "UTC+2"',
      "polystore:kubernetes.backup.keepDays: expected a number at least 1, got 0",
    ]);
    const noImage = problemsOf({ ...MIXED, kubernetes: {}, initScripts: { enabled: false } });
    expect(noImage).toEqual([
      "polystore:kubernetes.runnerImage: required when a store's target is kubernetes (postgres, redis, neo4j): a pinned image of this project that runs the scheduled backup CronJob (or set polystore:kubernetes.backup.enabled: false) inside the cluster",
    ]);
    expect(problemsOf({ ...MIXED, kubernetes: {} })[0]).toContain("runs the init Jobs (or set polystore:initScripts.enabled: false) and the scheduled backup CronJob");
  });
});
