import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { secretCredentials } from "../../core/identity";
import type { ElasticsearchSettings } from "../../stores";
import type { RenderedStore, StoreRenderInput } from "../../core/target";
import type { AwsElasticsearchConfig } from "./schema";
import { awsName, prodDefault, storeSecurityGroup, storeTags } from "./network";
import { OPENSEARCH_SNAPSHOT_REPOSITORY, renderSnapshotRepository } from "./snapshot-repository";
import type { AwsInfra } from "./network";

/** OpenSearch Service domains in a VPC answer HTTPS on 443. */
export const OPENSEARCH_PORT = 443;
/** TLS policy of the domain endpoint: TLS 1.2 or later. */
export const OPENSEARCH_TLS_POLICY = "Policy-Min-TLS-1-2-2019-07";
/** Master user of the internal user database. */
export const OPENSEARCH_MASTER_USER = "polystore_admin";

/**
 * Elasticsearch on Amazon OpenSearch Service: a domain inside the VPC
 * (vpcOptions: the configured subnets, a security group admitting only what
 * config allows on 443), encryption at rest, node-to-node encryption, HTTPS
 * enforced with a TLS 1.2 policy, and fine-grained access control with the
 * internal user database. The master user is polystore's admin; OpenSearch
 * requires a special character in its password, so it gets its own generated
 * password (the store's admin identity is overridden with it). The domain
 * policy lets any principal send HTTP requests: access is decided by
 * fine-grained access control (users and roles) and the security group.
 * In production: 2 data nodes over two AZs (zone awareness). Manual snapshots (`npm run backup`)
 * go to the store's own S3 bucket through a role the domain assumes (./snapshot-repository.ts).
 */
export function renderOpenSearch(ctx: StoreRenderInput, infra: AwsInfra, s: ElasticsearchSettings, a: AwsElasticsearchConfig): RenderedStore {
  const prod = infra.config.production;
  const tags = storeTags(ctx);
  const opts = { parent: ctx.parent };

  const count = a.instanceCount ?? (prod ? 2 : 1);
  const zoneAware = a.zoneAwareness ?? count >= 2;
  const sg = storeSecurityGroup(ctx, infra, OPENSEARCH_PORT);
  const masterPassword = pulumi.secret(
    new random.RandomPassword(
      `${ctx.name}-master-password`,
      { length: 32, special: true, overrideSpecial: "-_.", minSpecial: 2, minLower: 4, minUpper: 4, minNumeric: 4 },
      opts,
    ).result,
  );

  const domain = new aws.opensearch.Domain(
    `${ctx.name}-domain`,
    {
      ...infra.region,
      domainName: awsName(["ps", infra.stack, ctx.name], 28),
      engineVersion: a.engineVersion,
      clusterConfig: {
        instanceType: a.instanceType ?? (prod ? "r6g.large.search" : "t3.small.search"),
        instanceCount: count,
        zoneAwarenessEnabled: zoneAware,
        zoneAwarenessConfig: zoneAware ? { availabilityZoneCount: 2 } : undefined,
        // Production: three dedicated masters keep the cluster state when data nodes are busy.
        dedicatedMasterEnabled: prod,
        dedicatedMasterCount: prod ? 3 : undefined,
        dedicatedMasterType: prod ? "m6g.large.search" : undefined,
      },
      ebsOptions: { ebsEnabled: true, volumeType: "gp3", volumeSize: a.volumeSizeGb },
      encryptAtRest: { enabled: true, kmsKeyId: infra.config.kmsKeyArn },
      nodeToNodeEncryption: { enabled: true },
      domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: OPENSEARCH_TLS_POLICY },
      vpcOptions: { subnetIds: infra.config.subnetIds.slice(0, zoneAware ? 2 : 1), securityGroupIds: [sg.id] },
      advancedSecurityOptions: {
        enabled: true,
        anonymousAuthEnabled: false,
        internalUserDatabaseEnabled: true,
        masterUserOptions: { masterUserName: OPENSEARCH_MASTER_USER, masterUserPassword: masterPassword },
      },
      tags,
    },
    // AWS has no deletion-protection flag for this service: Pulumi refuses to delete it instead.
    { ...opts, protect: prodDefault(infra, a.deletionProtection) },
  );

  const policy = new aws.opensearch.DomainPolicy(
    `${ctx.name}-policy`,
    {
      ...infra.region,
      domainName: domain.domainName,
      accessPolicies: domain.arn.apply((arn) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "es:ESHttp*", Resource: `${arn}/*` }],
        }),
      ),
    },
    opts,
  );

  const snapshots = renderSnapshotRepository(ctx, infra);

  return {
    host: domain.endpoint,
    port: OPENSEARCH_PORT,
    tls: true,
    ready: [domain, policy],
    admin: secretCredentials(OPENSEARCH_MASTER_USER, masterPassword),
    options: { flavor: "opensearch" },
    init: infra.config.initScripts === "local" ? "local" : "none",
    managed: {
      service: "opensearch",
      id: domain.domainName,
      region: domain.region,
      arn: domain.arn,
      snapshotRepository: { name: OPENSEARCH_SNAPSHOT_REPOSITORY, bucket: snapshots.bucket.bucket, roleArn: snapshots.role.arn },
    },
  };
}
