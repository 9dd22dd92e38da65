import * as docdb from "@pulumi/aws/docdb";
import * as elasticache from "@pulumi/aws/elasticache";
import * as opensearch from "@pulumi/aws/opensearch";
import * as rds from "@pulumi/aws/rds";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { AWS } from "./aws-types";
import { known, label, must, settings } from "./util";

/** Data at rest is encrypted: RDS, Aurora and DocumentDB storage, ElastiCache replication groups, OpenSearch domains. */
export const awsStorageEncrypted: ResourceValidationPolicy = {
  name: "aws-storage-encrypted",
  description: "Managed database storage must be encrypted at rest.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: [
    validateResourceOfType(rds.Instance, (db, args, report) => {
      // Read replicas inherit the source's encryption.
      if (!known(() => db.replicateSourceDb) && known(() => db.storageEncrypted, true) !== true) {
        report(must(`${label(args.type, args.name)}: storageEncrypted is not true`, "set storageEncrypted: true (optionally kmsKeyId); an existing instance must be restored from an encrypted snapshot"));
      }
    }),
    validateResourceOfType(rds.Cluster, (db, args, report) => {
      if (known(() => db.storageEncrypted, true) !== true) report(must(`${label(args.type, args.name)}: storageEncrypted is not true`, "set storageEncrypted: true"));
    }),
    validateResourceOfType(docdb.Cluster, (db, args, report) => {
      if (known(() => db.storageEncrypted, true) !== true) report(must(`${label(args.type, args.name)}: storageEncrypted is not true`, "set storageEncrypted: true (optionally kmsKeyId)"));
    }),
    validateResourceOfType(elasticache.ReplicationGroup, (rg, args, report) => {
      if (known(() => rg.atRestEncryptionEnabled, true) !== true) report(must(`${label(args.type, args.name)}: atRestEncryptionEnabled is not true`, "set atRestEncryptionEnabled: true (optionally kmsKeyId)"));
    }),
    validateResourceOfType(opensearch.Domain, (d, args, report) => {
      if (known(() => d.encryptAtRest?.enabled, true) !== true) report(must(`${label(args.type, args.name)}: encryptAtRest.enabled is not true`, "set encryptAtRest: { enabled: true }"));
    }),
  ],
};

interface BackupConfig {
  minRetentionDays: number;
  requireFinalSnapshot: boolean;
}
const BACKUP_DEFAULTS: BackupConfig = { minRetentionDays: 7, requireFinalSnapshot: true };

/**
 * Backups are kept at least `minRetentionDays` (7): RDS/Aurora/DocumentDB
 * `backupRetentionPeriod`, ElastiCache/MemoryDB `snapshotRetentionLimit`; and
 * deleting a database takes a final snapshot. (OpenSearch keeps its automated
 * snapshots for 14 days on its own.)
 */
export const awsBackupRetention: ResourceValidationPolicy = {
  name: "aws-backup-retention",
  description: "Managed databases must keep automated backups for at least 7 days and take a final snapshot on deletion.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: {
    properties: {
      minRetentionDays: { type: "integer", minimum: 1, maximum: 35, default: 7, description: "Minimum backup/snapshot retention in days." },
      requireFinalSnapshot: { type: "boolean", default: true, description: "Reject skipFinalSnapshot: true." },
    },
  },
  validateResource: (args, report) => {
    const cfg = settings(args, BACKUP_DEFAULTS);
    const p = args.props;
    const at = label(args.type, args.name);
    const retention = (key: string, fix: string) => {
      const days = known(() => p[key], cfg.minRetentionDays);
      if (!(typeof days === "number" && days >= cfg.minRetentionDays)) {
        report(must(`${at}: ${key} is ${days ?? "unset"}, below ${cfg.minRetentionDays} days`, fix.replace("N", String(cfg.minRetentionDays))));
      }
    };
    const finalSnapshot = () => {
      if (cfg.requireFinalSnapshot && known(() => p.skipFinalSnapshot) === true) {
        report(must(`${at}: skipFinalSnapshot is true, so deleting it loses every backup`, "set skipFinalSnapshot: false and a finalSnapshotIdentifier"));
      }
    };
    switch (args.type) {
      case AWS.rdsInstance:
        if (known(() => p.replicateSourceDb)) return; // replicas: the source keeps the backups
        retention("backupRetentionPeriod", "set backupRetentionPeriod: N (or more, up to 35)");
        return finalSnapshot();
      case AWS.rdsCluster:
      case AWS.docdbCluster:
        retention("backupRetentionPeriod", "set backupRetentionPeriod: N (or more, up to 35)");
        return finalSnapshot();
      case AWS.cacheReplicationGroup:
      case AWS.cacheServerless:
      case AWS.memorydbCluster:
        return retention("snapshotRetentionLimit", "set snapshotRetentionLimit: N (or more, up to 35)");
      default:
        args.notApplicable("not an AWS managed database");
    }
  },
};
