import * as aws from "@pulumi/aws";
import type { PostgresSettings } from "../../stores";
import type { RenderedStore, StoreRenderInput } from "../../core/target";
import type { AwsPostgresConfig } from "./schema";
import { adminPassword, awsName, prodDefault, storeSecurityGroup, storeTags } from "./network";
import type { AwsInfra } from "./network";

/** PostgreSQL's client port on RDS. */
export const RDS_POSTGRES_PORT = 5432;

/**
 * The RDS parameters polystore sets: TLS forced for every client, SCRAM
 * password hashing, DDL statements and queries slower than 1 s logged (to the
 * exported `postgresql` log), and the configured `max_connections` (static:
 * applied at the next reboot).
 */
export function rdsPostgresParameters(s: PostgresSettings): aws.types.input.rds.ParameterGroupParameter[] {
  return [
    { name: "rds.force_ssl", value: "1" },
    { name: "password_encryption", value: "scram-sha-256" },
    { name: "log_statement", value: "ddl" },
    { name: "log_min_duration_statement", value: "1000" },
    { name: "max_connections", value: String(s.maxConnections), applyMethod: "pending-reboot" },
  ];
}

/**
 * PostgreSQL on Amazon RDS: a DB subnet group over the configured private
 * subnets, a security group admitting only what config allows on 5432, a
 * parameter group forcing TLS, an encrypted gp3 instance that is not publicly
 * accessible, with automated backups (default 7 days; the seeds' RPO is 24 h)
 * and, in production, Multi-AZ, deletion protection and a final snapshot.
 *
 * The master user is the store's generated admin identity (a Pulumi secret),
 * not `manageMasterUserPassword`: the init runner reads its credentials from
 * the stack's `connections` output, which a Secrets-Manager-managed password
 * would never reach.
 */
export function renderRdsPostgres(ctx: StoreRenderInput, infra: AwsInfra, s: PostgresSettings, a: AwsPostgresConfig): RenderedStore {
  const prod = infra.config.production;
  const tags = storeTags(ctx);
  const opts = { parent: ctx.parent };

  const subnetGroup = new aws.rds.SubnetGroup(
    `${ctx.name}-subnets`,
    { ...infra.region, description: `polystore ${infra.stack} ${ctx.kind}`, subnetIds: infra.config.subnetIds, tags },
    opts,
  );
  const sg = storeSecurityGroup(ctx, infra, RDS_POSTGRES_PORT);
  const params = new aws.rds.ParameterGroup(
    `${ctx.name}-params`,
    {
      ...infra.region,
      family: `postgres${a.engineVersion.split(".")[0]}`,
      description: `polystore ${infra.stack} ${ctx.kind}: TLS forced, SCRAM passwords`,
      parameters: rdsPostgresParameters(s),
      tags,
    },
    opts,
  );

  // Enhanced Monitoring (OS metrics every 60 s) publishes through this role.
  const monitoringRole = new aws.iam.Role(
    `${ctx.name}-monitoring`,
    {
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "monitoring.rds.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
      tags,
    },
    opts,
  );
  const monitoringPolicy = new aws.iam.RolePolicyAttachment(
    `${ctx.name}-monitoring-policy`,
    { role: monitoringRole.name, policyArn: "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole" },
    opts,
  );

  const finalSnapshot = prodDefault(infra, a.finalSnapshot);
  const db = new aws.rds.Instance(
    `${ctx.name}-db`,
    {
      ...infra.region,
      engine: "postgres",
      engineVersion: a.engineVersion,
      instanceClass: a.instanceClass ?? (prod ? "db.m7g.large" : "db.t4g.micro"),
      allocatedStorage: a.allocatedStorageGb,
      maxAllocatedStorage: Math.max(a.maxAllocatedStorageGb, a.allocatedStorageGb),
      storageType: "gp3",
      storageEncrypted: true,
      kmsKeyId: infra.config.kmsKeyArn,
      dbName: s.database,
      username: s.adminUser,
      password: adminPassword(ctx),
      port: RDS_POSTGRES_PORT,
      parameterGroupName: params.name,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [sg.id],
      publiclyAccessible: false,
      multiAz: prodDefault(infra, a.multiAz),
      backupRetentionPeriod: a.backupRetentionDays,
      copyTagsToSnapshot: true,
      deleteAutomatedBackups: !prod,
      deletionProtection: prodDefault(infra, a.deletionProtection),
      skipFinalSnapshot: !finalSnapshot,
      finalSnapshotIdentifier: finalSnapshot ? awsName(["polystore", infra.stack, ctx.name, "final"], 255) : undefined,
      autoMinorVersionUpgrade: true,
      caCertIdentifier: "rds-ca-rsa2048-g1",
      iamDatabaseAuthenticationEnabled: true,
      monitoringInterval: 60,
      monitoringRoleArn: monitoringRole.arn,
      enabledCloudwatchLogsExports: ["postgresql"],
      // Performance Insights: 7 days of retention are free; on by default in production.
      performanceInsightsEnabled: prod,
      performanceInsightsRetentionPeriod: prod ? 7 : undefined,
      tags,
    },
    // RDS checks that it can assume the monitoring role with its policy when monitoring is turned on.
    { ...opts, dependsOn: [monitoringPolicy] },
  );

  return {
    host: db.address,
    port: db.port,
    tls: true,
    ready: [db],
    init: infra.config.initScripts === "local" ? "local" : "none",
    managed: { service: "rds", id: db.identifier, region: db.region, arn: db.arn },
  };
}
