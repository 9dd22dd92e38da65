/**
 * The polystore policy pack's contents, shared by the real analyzer
 * (policies/index.ts, `pulumi preview --policy-pack policies`) and the
 * offline check (policies/check.ts). Importing this file has no side effects;
 * constructing the PolicyPack (index.ts) starts the analyzer's gRPC server.
 */
import type { PolicyPackArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { awsBackupRetention, awsStorageEncrypted } from "./rules/aws-storage";
import { awsCostTags } from "./rules/aws-tags";
import { awsHighAvailability } from "./rules/aws-ha";
import { awsLogExports, awsPerformanceInsights } from "./rules/aws-observability";
import { awsNoPublicDatabaseIngress, awsNotPubliclyAccessible } from "./rules/aws-network";
import { awsDeletionProtection } from "./rules/aws-protection";
import { awsTlsInTransit } from "./rules/aws-tls";
import { containerHealthChecks } from "./rules/health";
import { pinnedImages } from "./rules/images";
import { patchedImages } from "./rules/advisories";
import { containerMemoryLimits } from "./rules/memory";
import { databasePortsLoopback } from "./rules/ports";
import { noPlaintextCredentials } from "./rules/credentials";
import { redisEvictionPolicy, redisRequiresPassword } from "./rules/redis";
import { connectionSecretsWritten } from "./rules/sinks";
import { awsElasticacheAuthToken, awsElasticacheAutomaticBackups } from "./rules/aws-cache";
import { awsDocdbAuditLogs, awsDocdbBackupRetention, awsDocdbTlsEnabled } from "./rules/aws-docdb";
import { awsRdsAutoMinorVersionUpgrade, awsRdsCopyTagsToSnapshot, awsRdsCurrentCa, awsRdsEnhancedMonitoring, awsRdsIamAuth, awsRdsPostgresQueryLogging } from "./rules/aws-rds";
import { awsCustomerManagedKeys } from "./rules/aws-kms";
import { awsOpensearchDedicatedMasters, awsOpensearchFineGrainedAccess, awsOpensearchNodeToNode, awsOpensearchTls12 } from "./rules/aws-opensearch";
import { awsNoDefaultSecurityGroup, awsNoDefaultSubnetGroup } from "./rules/aws-defaults";

export const PACK_NAME = "polystore";

/** Every policy, in the order they are documented. */
export const POLICIES: Array<ResourceValidationPolicy | StackValidationPolicy> = [
  // Everywhere (Docker, Kubernetes, AWS).
  pinnedImages,
  containerMemoryLimits,
  containerHealthChecks,
  databasePortsLoopback,
  redisRequiresPassword,
  redisEvictionPolicy,
  noPlaintextCredentials,
  connectionSecretsWritten,
  // Production (the aws target).
  awsStorageEncrypted,
  awsBackupRetention,
  awsDeletionProtection,
  awsNotPubliclyAccessible,
  awsNoPublicDatabaseIngress,
  awsTlsInTransit,
  awsHighAvailability,
  awsElasticacheAuthToken,
  awsElasticacheAutomaticBackups,
  awsDocdbAuditLogs,
  awsDocdbTlsEnabled,
  awsDocdbBackupRetention,
  awsRdsIamAuth,
  awsRdsCurrentCa,
  awsRdsAutoMinorVersionUpgrade,
  awsRdsCopyTagsToSnapshot,
  awsRdsEnhancedMonitoring,
  awsRdsPostgresQueryLogging,
  awsOpensearchFineGrainedAccess,
  awsOpensearchNodeToNode,
  awsOpensearchTls12,
  awsOpensearchDedicatedMasters,
  awsNoDefaultSubnetGroup,
  awsNoDefaultSecurityGroup,
  // Advisory.
  awsCostTags,
  awsLogExports,
  awsPerformanceInsights,
  patchedImages,
  awsCustomerManagedKeys,
];

export const PACK_ARGS: PolicyPackArgs = {
  description: "polystore's rules for data stores: pinned images, limits, health checks, loopback ports, Redis auth/eviction, no plain-text credentials, connection secrets written, and AWS production hardening.",
  displayName: "polystore",
  // Each policy sets its own level; this is the fallback for any that does not.
  enforcementLevel: "advisory",
  policies: POLICIES,
};
