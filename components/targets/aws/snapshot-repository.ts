import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StoreRenderInput } from "../../core/target";
import { awsName, storeTags } from "./network";
import type { AwsInfra } from "./network";

/** Name of the S3 snapshot repository polystore registers on an OpenSearch domain. */
export const OPENSEARCH_SNAPSHOT_REPOSITORY = "polystore";

/**
 * Days a snapshot file is kept after `npm run backup -- prune` deleted its snapshot (it becomes a
 * non-current version of the versioned bucket): long enough to undo a wrong prune, then gone.
 */
export const SNAPSHOT_NONCURRENT_DAYS = 30;

/** The S3 actions the snapshot role may use, and on what (the bucket, its objects; nothing else). */
export function snapshotRolePolicy(bucketArn: string, kmsKeyArn: string | undefined): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["s3:ListBucket"], Resource: [bucketArn] },
      { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: [`${bucketArn}/*`] },
      // SSE-KMS with the stack's key: the domain writes and reads objects encrypted with it.
      ...(kmsKeyArn ? [{ Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: [kmsKeyArn] }] : []),
    ],
  });
}

/** What an OpenSearch domain needs for manual snapshots: the bucket and the role it assumes. */
export interface SnapshotRepository {
  bucket: aws.s3.Bucket;
  role: aws.iam.Role;
  /** Resources that must exist before a snapshot can be registered (the bucket's settings, the role's policy). */
  ready: pulumi.Resource[];
}

/**
 * The S3 repository for an OpenSearch domain's manual snapshots (AWS: "Creating index snapshots in
 * Amazon OpenSearch Service", prerequisites): a private bucket (every public access blocked),
 * encrypted by default (SSE-KMS with `polystore:aws.kmsKeyArn` when set, else SSE-S3), versioned
 * (an overwritten or deleted snapshot file can be recovered for {@link SNAPSHOT_NONCURRENT_DAYS}
 * days, then expires; unfinished uploads are aborted after 7), never `forceDestroy` (a stack
 * cannot be destroyed while snapshots are in it); and the role the domain assumes
 * (`es.amazonaws.com`) with list/get/put/delete on that bucket only. Registering the repository
 * is an HTTP call to the domain, made by `npm run backup` (components/backup/managed/opensearch.ts).
 */
export function renderSnapshotRepository(ctx: StoreRenderInput, infra: AwsInfra): SnapshotRepository {
  const tags = storeTags(ctx);
  const opts = { parent: ctx.parent };
  const kms = infra.config.kmsKeyArn;

  const bucket = new aws.s3.Bucket(
    `${ctx.name}-snapshots`,
    { ...infra.region, bucketPrefix: `${awsName(["polystore", infra.stack, ctx.name, "snap"], 36)}-`, forceDestroy: false, tags },
    opts,
  );
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${ctx.name}-snapshots-public-access`,
    { ...infra.region, bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    opts,
  );
  const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
    `${ctx.name}-snapshots-encryption`,
    {
      ...infra.region,
      bucket: bucket.id,
      rules: [
        kms
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kms }, bucketKeyEnabled: true }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ],
    },
    opts,
  );
  const versioning = new aws.s3.BucketVersioning(
    `${ctx.name}-snapshots-versioning`,
    { ...infra.region, bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
    opts,
  );

  // Versioning keeps what a deleted snapshot leaves behind; without expiry the bucket only grows.
  const lifecycle = new aws.s3.BucketLifecycleConfiguration(
    `${ctx.name}-snapshots-lifecycle`,
    {
      ...infra.region,
      bucket: bucket.id,
      rules: [
        {
          id: "expire-deleted-snapshot-files",
          status: "Enabled",
          filter: {},
          noncurrentVersionExpiration: { noncurrentDays: SNAPSHOT_NONCURRENT_DAYS },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
      ],
    },
    { ...opts, dependsOn: [versioning] },
  );

  const role = new aws.iam.Role(
    `${ctx.name}-snapshot-role`,
    {
      description: `polystore ${infra.stack} ${ctx.kind}: OpenSearch manual snapshots to S3`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "es.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
      tags,
    },
    opts,
  );
  const policy = new aws.iam.RolePolicy(
    `${ctx.name}-snapshot-policy`,
    { role: role.id, policy: bucket.arn.apply((arn) => snapshotRolePolicy(arn, kms)) },
    opts,
  );

  return { bucket, role, ready: [publicAccess, encryption, versioning, lifecycle, policy] };
}
