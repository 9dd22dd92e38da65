import type * as pulumi from "@pulumi/pulumi";

/**
 * The managed services whose own snapshots `npm run backup` takes on target aws
 * (components/backup/managed): RDS, DocumentDB, ElastiCache, MemoryDB and OpenSearch Service.
 */
export const MANAGED_SERVICES = ["rds", "docdb", "elasticache", "memorydb", "opensearch"] as const;
export type ManagedService = (typeof MANAGED_SERVICES)[number];

/**
 * What the backup CLI needs to snapshot a managed store, as the stack output `stores.<store>.managed`
 * holds it. Nothing secret: identifiers, a region, an ARN.
 */
export interface ManagedFact {
  service: ManagedService;
  /**
   * The identifier the service's snapshot API takes: the RDS DB instance identifier, the DocumentDB
   * cluster identifier, the ElastiCache replication group id, the MemoryDB cluster name, the
   * OpenSearch domain name.
   */
  id: string;
  /** The region the resource lives in. */
  region: string;
  /** The resource's ARN. */
  arn: string;
  /**
   * OpenSearch only: the S3 repository manual snapshots go to (the bucket and the role the domain
   * assumes to write it, both made by the opensearch renderer), and the repository's name.
   */
  snapshotRepository?: { name: string; bucket: string; roleArn: string };
}

/** One store in the stack output `stores` (non-secret; `npm run backup` reads it: components/init/stores-output.ts). */
export interface StoreSummary {
  target: string;
  host: string;
  port: number;
  database: string;
  managed?: ManagedFact;
}

/** {@link ManagedFact} as a renderer returns it: values may still be Pulumi outputs. */
export interface ManagedFactInput {
  service: ManagedService;
  id: pulumi.Input<string>;
  region: pulumi.Input<string>;
  arn: pulumi.Input<string>;
  snapshotRepository?: { name: string; bucket: pulumi.Input<string>; roleArn: pulumi.Input<string> };
}
