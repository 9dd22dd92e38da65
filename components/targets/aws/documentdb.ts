import * as aws from "@pulumi/aws";
import { secretCredentials } from "../../core/identity";
import type { MongodbSettings } from "../../stores";
import type { RenderedStore, StoreRenderInput } from "../../core/target";
import type { AwsMongodbConfig } from "./schema";
import { adminPassword, awsName, prodDefault, storeSecurityGroup, storeTags } from "./network";
import type { AwsInfra } from "./network";

/** MongoDB's client port on DocumentDB. */
export const DOCDB_PORT = 27017;

/**
 * DocumentDB's master user name from the configured admin user: DocumentDB
 * takes letters and digits only (1–63, starting with a letter), so
 * `polystore_admin` becomes `polystoreadmin`.
 */
export function docdbMasterUsername(adminUser: string): string {
  const s = adminUser.replace(/[^A-Za-z0-9]/g, "").replace(/^[^A-Za-z]+/, "");
  return (s || "polystoreadmin").slice(0, 63);
}

/**
 * MongoDB on Amazon DocumentDB (MongoDB 5.0 API): a subnet group, a security
 * group admitting only what config allows on 27017, a cluster parameter group
 * with `tls=enabled`, an encrypted cluster with automated backups (default 7
 * days) and, in production, deletion protection and a final snapshot, and
 * `instances` instances (2 in production: a replica in another AZ takes
 * over on failure).
 */
export function renderDocumentDb(ctx: StoreRenderInput, infra: AwsInfra, s: MongodbSettings, a: AwsMongodbConfig): RenderedStore {
  const prod = infra.config.production;
  const tags = storeTags(ctx);
  const opts = { parent: ctx.parent };

  const subnetGroup = new aws.docdb.SubnetGroup(
    `${ctx.name}-subnets`,
    { ...infra.region, description: `polystore ${infra.stack} ${ctx.kind}`, subnetIds: infra.config.subnetIds, tags },
    opts,
  );
  const sg = storeSecurityGroup(ctx, infra, DOCDB_PORT);
  const params = new aws.docdb.ClusterParameterGroup(
    `${ctx.name}-params`,
    {
      ...infra.region,
      family: `docdb${a.engineVersion.replace(/\.0$/, "")}`,
      description: `polystore ${infra.stack} ${ctx.kind}: TLS required, audit logs`,
      parameters: [
        { name: "tls", value: "enabled", applyMethod: "pending-reboot" },
        // Audit events (auth, DDL, user management) to the exported `audit` log.
        { name: "audit_logs", value: "enabled", applyMethod: "pending-reboot" },
      ],
      tags,
    },
    opts,
  );

  const masterUsername = docdbMasterUsername(s.adminUser);
  const password = adminPassword(ctx);
  const finalSnapshot = prodDefault(infra, a.finalSnapshot);
  const cluster = new aws.docdb.Cluster(
    `${ctx.name}-cluster`,
    {
      ...infra.region,
      engine: "docdb",
      engineVersion: a.engineVersion,
      masterUsername,
      masterPassword: password,
      port: DOCDB_PORT,
      dbSubnetGroupName: subnetGroup.name,
      dbClusterParameterGroupName: params.name,
      vpcSecurityGroupIds: [sg.id],
      storageEncrypted: true,
      kmsKeyId: infra.config.kmsKeyArn,
      backupRetentionPeriod: a.backupRetentionDays,
      deletionProtection: prodDefault(infra, a.deletionProtection),
      skipFinalSnapshot: !finalSnapshot,
      finalSnapshotIdentifier: finalSnapshot ? awsName(["polystore", infra.stack, ctx.name, "final"], 255) : undefined,
      enabledCloudwatchLogsExports: ["audit"],
      tags,
    },
    opts,
  );

  const count = a.instances ?? (prod ? 2 : 1);
  const instances = Array.from(
    { length: count },
    (_, i) =>
      new aws.docdb.ClusterInstance(
        `${ctx.name}-instance-${i}`,
        {
          ...infra.region,
          clusterIdentifier: cluster.id,
          engine: "docdb",
          instanceClass: a.instanceClass ?? (prod ? "db.r6g.large" : "db.t4g.medium"),
          autoMinorVersionUpgrade: true,
          promotionTier: i,
          tags,
        },
        opts,
      ),
  );

  return {
    host: cluster.endpoint,
    port: DOCDB_PORT,
    tls: true,
    ready: [cluster, ...instances],
    admin: secretCredentials(masterUsername, password),
    // DocumentDB keeps every user in `admin` and has no retryable writes.
    options: { authSource: "admin", retryWrites: "false", service: "documentdb" },
    init: infra.config.initScripts === "local" ? "local" : "none",
    managed: { service: "docdb", id: cluster.clusterIdentifier, region: cluster.region, arn: cluster.arn },
  };
}
