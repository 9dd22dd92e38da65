import * as aws from "@pulumi/aws";
import { secretCredentials } from "../../core/identity";
import type { RedisSettings } from "../../stores";
import type { RenderedStore, StoreRenderInput } from "../../core/target";
import type { AwsRedisConfig } from "./schema";
import { awsName, prodDefault, storeSecurityGroup, storeTags } from "./network";
import type { AwsInfra } from "./network";
import { ADMIN_ACCESS_STRING, appAccessString, AWS_REDIS_PORT, managedRedisOptions, redisParameters, redisReplicas } from "./redis";

/**
 * Redis on MemoryDB: durable (every write is committed to a Multi-AZ
 * transaction log before it is acknowledged: what `appendonly yes` asks for,
 * without the everysec window), one shard, TLS always on, encrypted at rest,
 * a parameter group (`maxmemory-policy`, `timeout`) and an ACL with two users:
 *  - `polystore-<stack>-<store>-admin` (MemoryDB user names are unique per
 *    account and region, and `default` cannot be given a password), the
 *    admin identity's user name is overridden accordingly;
 *  - the application user (`stores.redis.appUser`; also account-unique, so
 *    give each stack sharing an account its own).
 * Replicas (1 in production) fail over automatically. MemoryDB is cluster-mode
 * Redis: applications need a cluster-aware client (option `clusterMode`).
 */
export function renderMemoryDbRedis(ctx: StoreRenderInput, infra: AwsInfra, s: RedisSettings, a: AwsRedisConfig): RenderedStore {
  const tags = storeTags(ctx);
  const opts = { parent: ctx.parent };

  const subnetGroup = new aws.memorydb.SubnetGroup(
    `${ctx.name}-subnets`,
    { ...infra.region, description: `polystore ${infra.stack} ${ctx.kind}`, subnetIds: infra.config.subnetIds, tags },
    opts,
  );
  const sg = storeSecurityGroup(ctx, infra, AWS_REDIS_PORT);
  const params = new aws.memorydb.ParameterGroup(
    `${ctx.name}-params`,
    {
      ...infra.region,
      family: `memorydb_redis${a.engineVersion.split(".")[0]}`,
      description: `polystore ${infra.stack} ${ctx.kind}: ${s.maxmemoryPolicy}, timeout ${s.timeoutSeconds}`,
      parameters: redisParameters(s),
      tags,
    },
    opts,
  );

  const adminName = awsName(["polystore", infra.stack, ctx.name, "admin"], 40);
  const adminPassword = ctx.identity.admin.apply((c) => c.password);
  const admin = new aws.memorydb.User(
    `${ctx.name}-admin-user`,
    {
      ...infra.region,
      userName: adminName,
      accessString: ADMIN_ACCESS_STRING,
      authenticationMode: { type: "password", passwords: [adminPassword] },
      tags,
    },
    { ...opts, additionalSecretOutputs: ["authenticationMode"] },
  );
  const app = new aws.memorydb.User(
    `${ctx.name}-app-user`,
    {
      ...infra.region,
      userName: s.appUser,
      accessString: appAccessString(),
      authenticationMode: { type: "password", passwords: [ctx.identity.app.apply((c) => c.password)] },
      tags,
    },
    { ...opts, additionalSecretOutputs: ["authenticationMode"] },
  );
  const acl = new aws.memorydb.Acl(`${ctx.name}-acl`, { ...infra.region, userNames: [admin.userName, app.userName], tags }, opts);

  const finalSnapshot = prodDefault(infra, a.finalSnapshot);
  const cluster = new aws.memorydb.Cluster(
    `${ctx.name}-cluster`,
    {
      ...infra.region,
      description: `polystore ${infra.stack} ${ctx.kind}`,
      engine: "redis",
      engineVersion: a.engineVersion,
      nodeType: a.nodeType ?? "db.t4g.small",
      port: AWS_REDIS_PORT,
      numShards: 1,
      numReplicasPerShard: redisReplicas(infra, a),
      aclName: acl.name,
      parameterGroupName: params.name,
      subnetGroupName: subnetGroup.name,
      securityGroupIds: [sg.id],
      tlsEnabled: true,
      kmsKeyArn: infra.config.kmsKeyArn,
      snapshotRetentionLimit: a.snapshotRetentionDays,
      finalSnapshotName: finalSnapshot ? awsName(["polystore", infra.stack, ctx.name, "final"], 255) : undefined,
      autoMinorVersionUpgrade: true,
      tags,
    },
    // AWS has no deletion-protection flag for this service: Pulumi refuses to delete it instead.
    { ...opts, protect: prodDefault(infra, a.deletionProtection) },
  );

  return {
    host: cluster.clusterEndpoints.apply((e) => e[0]?.address ?? ""),
    port: AWS_REDIS_PORT,
    tls: true,
    ready: [cluster],
    admin: secretCredentials(adminName, adminPassword),
    options: managedRedisOptions({ service: "memorydb", clusterMode: "true" }),
    init: infra.config.initScripts === "local" ? "local" : "none",
    managed: { service: "memorydb", id: cluster.name, region: cluster.region, arn: cluster.arn },
  };
}
