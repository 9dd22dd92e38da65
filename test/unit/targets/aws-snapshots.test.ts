/**
 * Issue 16, the Pulumi side of managed backups: every aws store exports the managed resource
 * `npm run backup` snapshots (stack output `stores.<store>.managed`, not secret), and OpenSearch
 * gets the S3 bucket and the role its manual snapshots need.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { isSecretOutput, valueOf } from "../../util/outputs";
import { snapshotRolePolicy } from "../../../components/targets/aws";
import { AWS_NETWORK, evaluate, inputs, resource, type Evaluated } from "./harness";

const KMS = "arn:aws:kms:eu-west-1:123456789012:key/0d3c1a2b-1111-2222-3333-444455556666";
const STORES = { postgres: {}, redis: {}, mongodb: {}, elasticsearch: {}, clickhouse: { target: "kubernetes" } };
const REVIEW = { target: "aws", aws: { ...AWS_NETWORK, region: "eu-west-1" }, kubernetes: { runnerImage: "registry.example.com/r:1" }, stores: STORES };
const PROD = { target: "aws", aws: { ...AWS_NETWORK, production: true, kmsKeyArn: KMS }, stores: { elasticsearch: {}, redis: { appendonly: false } } };

let review: Evaluated;
let prod: Evaluated;
beforeAll(async () => {
  review = await evaluate(REVIEW, "pr-17");
  prod = await evaluate(PROD, "prod");
});

describe("stack output stores: the managed resource of every aws store", () => {
  it("names the service, identifier, region and ARN; stores on other targets have none", async () => {
    const stores = await valueOf(review.program.outputs.stores);
    expect(stores.postgres!.managed).toEqual({ service: "rds", id: "postgres-db-mock", region: "eu-west-1", arn: "arn:aws:mock:::postgres-db" });
    expect(stores.redis!.managed).toEqual({ service: "memorydb", id: "redis-cluster", region: "eu-west-1", arn: "arn:aws:mock:::redis-cluster" });
    expect(stores.mongodb!.managed).toEqual({ service: "docdb", id: "mongodb-cluster-mock", region: "eu-west-1", arn: "arn:aws:mock:::mongodb-cluster" });
    expect(stores.elasticsearch!.managed).toEqual({
      service: "opensearch",
      id: "ps-pr-17-elasticsearch",
      region: "eu-west-1",
      arn: "arn:aws:mock:::elasticsearch-domain",
      snapshotRepository: { name: "polystore", bucket: "polystore-pr-17-elasticsearch-snap-mock", roleArn: "arn:aws:mock:::elasticsearch-snapshot-role" },
    });
    expect(stores.clickhouse!.target).toBe("kubernetes");
    expect(stores.clickhouse!.managed).toBeUndefined();
    expect(await isSecretOutput(review.program.outputs.stores)).toBe(false);
  });

  it("ElastiCache: the replication group id; the provider's region when the stack sets none", async () => {
    const stores = await valueOf(prod.program.outputs.stores);
    expect(stores.redis!.managed).toEqual({ service: "elasticache", id: "redis-cache-mock", region: "us-east-1", arn: "arn:aws:mock:::redis-cache" });
  });
});

describe("OpenSearch snapshot repository: bucket and role, children of the store", () => {
  it("the bucket is private, encrypted with SSE-S3 by default, versioned, never force-destroyed", () => {
    const bucket = resource(review.registered, "s3/bucket:Bucket", "elasticsearch-snapshots");
    const parent = resource(review.registered, "ElasticsearchStore", "elasticsearch");
    expect(bucket.options.parent).toContain("::elasticsearch");
    expect(parent).toBeDefined();
    expect(inputs(bucket).forceDestroy).toBe(false);
    expect(inputs(bucket).bucketPrefix).toBe("polystore-pr-17-elasticsearch-snap-");
    expect(inputs(bucket).tags).toMatchObject({ project: "polystore", stack: "pr-17", store: "elasticsearch" });
    const block = inputs(resource(review.registered, "s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "elasticsearch-snapshots-public-access"));
    expect(block).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    expect(block.bucket).toBe("elasticsearch-snapshots-id");
    const enc = inputs(resource(review.registered, "s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "elasticsearch-snapshots-encryption"));
    expect(enc.rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    const ver = inputs(resource(review.registered, "s3/bucketVersioning:BucketVersioning", "elasticsearch-snapshots-versioning"));
    expect(ver.versioningConfiguration).toEqual({ status: "Enabled" });
    // Files of pruned snapshots (non-current versions) expire after 30 days; unfinished uploads after 7.
    const life = resource(review.registered, "s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "elasticsearch-snapshots-lifecycle");
    expect(inputs(life).bucket).toBe("elasticsearch-snapshots-id");
    expect(inputs(life).rules).toEqual([
      { id: "expire-deleted-snapshot-files", status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: 30 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
    ]);
  });

  it("with polystore:aws.kmsKeyArn the bucket uses SSE-KMS with that key", () => {
    const enc = inputs(resource(prod.registered, "s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "elasticsearch-snapshots-encryption"));
    expect(enc.rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KMS }, bucketKeyEnabled: true }]);
  });

  it("the role is assumed by es.amazonaws.com only and may list, get, put and delete in that bucket only", () => {
    const role = inputs(resource(review.registered, "iam/role:Role", "elasticsearch-snapshot-role"));
    expect(JSON.parse(role.assumeRolePolicy)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "es.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
    const policy = inputs(resource(review.registered, "iam/rolePolicy:RolePolicy", "elasticsearch-snapshot-policy"));
    expect(policy.role).toBe("elasticsearch-snapshot-role-id");
    expect(JSON.parse(policy.policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["s3:ListBucket"], Resource: ["arn:aws:mock:::elasticsearch-snapshots"] },
        { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: ["arn:aws:mock:::elasticsearch-snapshots/*"] },
      ],
    });
    // The role's policy with the stack's KMS key also lets the domain use that key, and nothing more.
    expect(JSON.parse(snapshotRolePolicy("arn:aws:s3:::b", KMS)).Statement[2]).toEqual({ Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: [KMS] });
  });

  it("every snapshot resource is a child of the elasticsearch store; no other store gets one", () => {
    const names = review.registered.filter((r) => /s3\/|iam\/role(Policy)?:Role/.test(r.type) && r.name.includes("snapshot")).map((r) => r.name);
    expect(names.sort()).toEqual([
      "elasticsearch-snapshot-policy",
      "elasticsearch-snapshot-role",
      "elasticsearch-snapshots",
      "elasticsearch-snapshots-encryption",
      "elasticsearch-snapshots-lifecycle",
      "elasticsearch-snapshots-public-access",
      "elasticsearch-snapshots-versioning",
    ]);
    const storeUrn = review.registered.find((r) => r.type === "polystore:elasticsearch:ElasticsearchStore");
    for (const n of names) expect(review.registered.find((r) => r.name === n)!.options.parent).toMatch(/ElasticsearchStore::elasticsearch$/);
    expect(storeUrn).toBeDefined();
  });
});
