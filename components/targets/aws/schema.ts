import { z } from "zod";
import { cidr } from "../../core/formats";

/**
 * AWS settings. Defaults that differ between production and short-lived
 * stacks (deletion protection, final snapshots, Multi-AZ, failover, replica
 * counts) follow `polystore:aws.production` and can each be overridden per
 * store, so a review stack can always be destroyed and a prod stack never
 * loses data by default.
 */

const vpcId = z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "expected a VPC id such as vpc-0123456789abcdef0");
const subnetId = z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "expected a subnet id such as subnet-0123456789abcdef0");
const securityGroupId = z.string().regex(/^sg-[0-9a-f]{8,17}$/, "expected a security group id such as sg-0123456789abcdef0");
const days = z.number().int().min(1).max(35);

/** Keys shared by the stores that keep data on disk (RDS, DocumentDB). */
const durable = {
  /** Refuse deletion (RDS/DocumentDB deletion protection). Default: `polystore:aws.production`. */
  deletionProtection: z.boolean().optional(),
  /** Take a final snapshot when the store is deleted. Default: `polystore:aws.production`. */
  finalSnapshot: z.boolean().optional(),
  /** Days automated backups are kept (RPO 24 h: daily backups). Default 7. */
  backupRetentionDays: days.default(7),
};

export const awsStoreSchemas = {
  /** `polystore:stores.postgres.aws`: an RDS for PostgreSQL instance. */
  postgres: z.strictObject({
    ...durable,
    /** Instance class. Default `db.m7g.large` in production, `db.t4g.micro` otherwise. */
    instanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "expected an RDS instance class such as db.t4g.micro").optional(),
    /** PostgreSQL engine version (16.x). Default `16.4`. */
    engineVersion: z.string().regex(/^16(\.\d+)?$/, "expected a PostgreSQL 16 version such as 16.4").default("16.4"),
    /** Allocated storage in GB (gp3). Default 20. */
    allocatedStorageGb: z.number().int().min(20).max(65536).default(20),
    /** Storage autoscaling ceiling in GB. Default 100. */
    maxAllocatedStorageGb: z.number().int().min(20).max(65536).default(100),
    /** Standby in a second Availability Zone. Default: `polystore:aws.production`. */
    multiAz: z.boolean().optional(),
  }),
  /** `polystore:stores.redis.aws`: MemoryDB (durable) or ElastiCache (cache). */
  redis: z.strictObject({
    /**
     * `memorydb`: every write is kept in a Multi-AZ transaction log (the managed
     * equivalent of AOF). `elasticache`: a cache with daily snapshots and no AOF,
     * so it requires `polystore:stores.redis.appendonly: false`.
     * Default: `memorydb` when `appendonly` is true (the default), else `elasticache`.
     */
    service: z.enum(["memorydb", "elasticache"]).optional(),
    /** Node type. Default `db.t4g.small` (MemoryDB) / `cache.t4g.small` (ElastiCache); it sets maxmemory. */
    nodeType: z.string().regex(/^(db|cache)\.[a-z0-9]+\.[a-z0-9]+$/, "expected a node type such as db.t4g.small or cache.t4g.small").optional(),
    /** Replicas of the primary (other AZs). Default 1 in production, 0 otherwise. */
    replicas: z.number().int().min(0).max(5).optional(),
    /** Promote a replica when the primary fails (needs replicas >= 1). Default: `polystore:aws.production`. */
    automaticFailover: z.boolean().optional(),
    /** Refuse deletion: AWS has no flag here, so polystore sets Pulumi's `protect`. Default: `polystore:aws.production`. */
    deletionProtection: z.boolean().optional(),
    /** Take a final snapshot when the store is deleted. Default: `polystore:aws.production`. */
    finalSnapshot: z.boolean().optional(),
    /** Days daily snapshots are kept. Default 7. */
    snapshotRetentionDays: days.default(7),
    /** Redis engine version. Default `7.1`. */
    engineVersion: z.string().regex(/^7\.\d+$/, "expected a Redis 7 version such as 7.1").default("7.1"),
  }),
  /** `polystore:stores.mongodb.aws`: an Amazon DocumentDB cluster. */
  mongodb: z.strictObject({
    ...durable,
    /** Instance class. Default `db.r6g.large` in production, `db.t4g.medium` otherwise. */
    instanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "expected a DocumentDB instance class such as db.t4g.medium").optional(),
    /** Instances (1 primary + replicas, spread over AZs). Default 2 in production, 1 otherwise. */
    instances: z.number().int().min(1).max(16).optional(),
    /** DocumentDB engine version. Default `5.0.0`. */
    engineVersion: z.enum(["4.0.0", "5.0.0"]).default("5.0.0"),
  }),
  /** `polystore:stores.elasticsearch.aws`: an Amazon OpenSearch Service domain. */
  elasticsearch: z.strictObject({
    /** Refuse deletion: AWS has no flag for domains, so polystore sets Pulumi's `protect`. Default: `polystore:aws.production`. */
    deletionProtection: z.boolean().optional(),
    /** Data node instance type. Default `r6g.large.search` in production, `t3.small.search` otherwise. */
    instanceType: z.string().regex(/^[a-z0-9]+\.[a-z0-9]+\.search$/, "expected an OpenSearch instance type such as t3.small.search").optional(),
    /** Data nodes. Default 2 in production (one per AZ), 1 otherwise. */
    instanceCount: z.number().int().min(1).max(80).optional(),
    /** Spread nodes over two AZs. Default: true when instanceCount >= 2. */
    zoneAwareness: z.boolean().optional(),
    /** EBS gp3 volume per node in GB. Default 20. */
    volumeSizeGb: z.number().int().min(10).max(16384).default(20),
    /** Engine. Default `OpenSearch_2.19`. */
    engineVersion: z.string().regex(/^OpenSearch_\d+\.\d+$/, "expected an engine version such as OpenSearch_2.19").default("OpenSearch_2.19"),
  }),
};

/** `polystore:aws`: the existing network the managed services are placed in. */
export const awsSchema = z.strictObject({
  /**
   * Production defaults: deletion protection, final snapshots, Multi-AZ,
   * automatic failover, replicas and larger instances. Default false
   * (short-lived stacks that must be destroyable).
   */
  production: z.boolean().default(false),
  /** Region; default: the provider's (`aws:region`). */
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "expected an AWS region such as eu-west-1").optional(),
  /** The existing VPC the stores are placed in. Required when a store's target is aws. */
  vpcId: vpcId.optional(),
  /** Private subnets of that VPC, in at least two Availability Zones. Required when a store's target is aws. */
  subnetIds: z.array(subnetId).min(2).optional(),
  /** CIDR blocks allowed to connect to the stores' client ports. Default none. */
  allowedCidrs: z.array(cidr).default([]),
  /** Security groups (applications, CI runners, bastion) allowed to connect. Default none. */
  allowedSecurityGroupIds: z.array(securityGroupId).default([]),
  /** ARN of a customer-managed KMS key for encryption at rest and for the connection secrets. Default: each service's AWS-managed key. */
  kmsKeyArn: z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]+$/, "expected a KMS key ARN such as arn:aws:kms:eu-west-1:123456789012:key/…").optional(),
  /**
   * How init scripts reach the stores, which sit in private subnets:
   * `local` (default) runs them from the machine running `pulumi up`, which
   * must reach the VPC (VPN, bastion tunnel, or a CI runner inside the VPC);
   * `none` skips them in `pulumi up` — run `npm run migrate -- apply --stack <s>`
   * from inside the VPC instead.
   */
  initScripts: z.enum(["local", "none"]).default("local"),
});
export type AwsConfig = z.output<typeof awsSchema>;
export type AwsPostgresConfig = z.output<typeof awsStoreSchemas.postgres>;
export type AwsRedisConfig = z.output<typeof awsStoreSchemas.redis>;
export type AwsMongodbConfig = z.output<typeof awsStoreSchemas.mongodb>;
export type AwsElasticsearchConfig = z.output<typeof awsStoreSchemas.elasticsearch>;

/** The stores with a managed service on AWS, and their `aws` blocks. */
export interface AwsStoreConfigByKind {
  postgres: AwsPostgresConfig;
  redis: AwsRedisConfig;
  mongodb: AwsMongodbConfig;
  elasticsearch: AwsElasticsearchConfig;
}
export type AwsKind = keyof AwsStoreConfigByKind;
