import * as aws from "@pulumi/aws";
import type { RedisSettings } from "../../stores";
import type { RenderedStore, StoreRenderInput } from "../../core/target";
import type { AwsRedisConfig } from "./schema";
import { awsName, prodDefault, storeSecurityGroup, storeTags } from "./network";
import type { AwsInfra } from "./network";
import { ADMIN_ACCESS_STRING, appAccessString, AWS_REDIS_PORT, managedRedisOptions, redisParameters, redisReplicas } from "./redis";

/**
 * Redis on ElastiCache (cluster mode disabled): a replication group with a
 * parameter group (`maxmemory-policy`, `timeout`), encryption at rest and in
 * transit (TLS required), and authentication by an RBAC user group:
 *  - user `default` with the admin password (so `AUTH <token>` clients work,
 *    as with an auth token), used only by the init runner;
 *  - the application user with the same key namespaces and command limits as
 *    on Docker.
 * An AUTH token alone would be one shared password, handing applications the
 * admin identity; ElastiCache does not allow a token and a user group together.
 * In production: one replica in another AZ, automatic failover and Multi-AZ,
 * and a final snapshot. ElastiCache has no AOF: see `renderAwsRedis`.
 */
export function renderElastiCacheRedis(ctx: StoreRenderInput, infra: AwsInfra, s: RedisSettings, a: AwsRedisConfig): RenderedStore {
  const tags = storeTags(ctx);
  const opts = { parent: ctx.parent };
  const replicas = redisReplicas(infra, a);
  const failover = replicas > 0 && prodDefault(infra, a.automaticFailover);

  const subnetGroup = new aws.elasticache.SubnetGroup(
    `${ctx.name}-subnets`,
    { ...infra.region, description: `polystore ${infra.stack} ${ctx.kind}`, subnetIds: infra.config.subnetIds, tags },
    opts,
  );
  const sg = storeSecurityGroup(ctx, infra, AWS_REDIS_PORT);
  const params = new aws.elasticache.ParameterGroup(
    `${ctx.name}-params`,
    {
      ...infra.region,
      family: `redis${a.engineVersion.split(".")[0]}`,
      description: `polystore ${infra.stack} ${ctx.kind}: ${s.maxmemoryPolicy}, timeout ${s.timeoutSeconds}`,
      parameters: redisParameters(s),
      tags,
    },
    opts,
  );

  const admin = new aws.elasticache.User(
    `${ctx.name}-admin-user`,
    {
      ...infra.region,
      userId: awsName(["polystore", infra.stack, ctx.name, "admin"], 40),
      userName: "default",
      engine: "redis",
      accessString: ADMIN_ACCESS_STRING,
      authenticationMode: { type: "password", passwords: [ctx.identity.admin.apply((c) => c.password)] },
      tags,
    },
    { ...opts, additionalSecretOutputs: ["passwords", "authenticationMode"] },
  );
  const app = new aws.elasticache.User(
    `${ctx.name}-app-user`,
    {
      ...infra.region,
      userId: awsName(["polystore", infra.stack, ctx.name, "app"], 40),
      userName: s.appUser,
      engine: "redis",
      accessString: appAccessString(),
      authenticationMode: { type: "password", passwords: [ctx.identity.app.apply((c) => c.password)] },
      tags,
    },
    { ...opts, additionalSecretOutputs: ["passwords", "authenticationMode"] },
  );
  const group = new aws.elasticache.UserGroup(
    `${ctx.name}-users`,
    {
      ...infra.region,
      userGroupId: awsName(["polystore", infra.stack, ctx.name], 40),
      engine: "redis",
      userIds: [admin.userId, app.userId],
      tags,
    },
    opts,
  );

  const finalSnapshot = prodDefault(infra, a.finalSnapshot);
  const rg = new aws.elasticache.ReplicationGroup(
    `${ctx.name}-cache`,
    {
      ...infra.region,
      description: `polystore ${infra.stack} ${ctx.kind}`,
      engine: "redis",
      engineVersion: a.engineVersion,
      nodeType: a.nodeType ?? "cache.t4g.small",
      port: AWS_REDIS_PORT,
      numCacheClusters: 1 + replicas,
      automaticFailoverEnabled: failover,
      multiAzEnabled: failover,
      parameterGroupName: params.name,
      subnetGroupName: subnetGroup.name,
      securityGroupIds: [sg.id],
      atRestEncryptionEnabled: true,
      kmsKeyId: infra.config.kmsKeyArn,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      userGroupIds: [group.userGroupId],
      snapshotRetentionLimit: a.snapshotRetentionDays,
      finalSnapshotIdentifier: finalSnapshot ? awsName(["polystore", infra.stack, ctx.name, "final"], 255) : undefined,
      autoMinorVersionUpgrade: true,
      tags,
    },
    // AWS has no deletion-protection flag for this service: Pulumi refuses to delete it instead.
    { ...opts, protect: prodDefault(infra, a.deletionProtection) },
  );

  return {
    host: rg.primaryEndpointAddress,
    port: AWS_REDIS_PORT,
    tls: true,
    ready: [rg],
    options: managedRedisOptions({ service: "elasticache" }),
    init: infra.config.initScripts === "local" ? "local" : "none",
    managed: { service: "elasticache", id: rg.replicationGroupId, region: rg.region, arn: rg.arn },
  };
}
