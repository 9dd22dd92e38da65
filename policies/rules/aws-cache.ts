import type { ResourceValidationPolicy } from "@pulumi/policy";
import { AWS } from "./aws-types";
import { filled, known, label, list, must } from "./util";

/** ElastiCache Redis requires authentication (AUTH token or RBAC user group), which AWS only allows with transit encryption. */
export const awsElasticacheAuthToken: ResourceValidationPolicy = {
  name: "aws-elasticache-auth-token",
  description: "ElastiCache replication groups must require authentication (an AUTH token or RBAC user groups) with transit encryption on.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: (args, report) => {
    if (args.type !== AWS.cacheReplicationGroup) args.notApplicable("not an ElastiCache replication group");
    const at = label(args.type, args.name);
    const token = filled(known(() => args.props.authToken, "(computed)")) || known(() => args.props.authTokenWo) !== undefined;
    const groups = list(known(() => args.props.userGroupIds, ["(computed)"])).length > 0;
    if (!token && !groups) report(must(`${at}: neither authToken nor userGroupIds is set, so any client in the network can connect`, "set userGroupIds to an elasticache.UserGroup (RBAC) or authToken from a generated secret"));
    else if (known(() => args.props.transitEncryptionEnabled, true) !== true) report(must(`${at}: authentication is configured but transitEncryptionEnabled is not true (AWS ignores AUTH without TLS)`, "set transitEncryptionEnabled: true"));
  },
};

/** ElastiCache keeps automatic daily snapshots (replication groups and single-node clusters). */
export const awsElasticacheAutomaticBackups: ResourceValidationPolicy = {
  name: "aws-elasticache-automatic-backups",
  description: "ElastiCache Redis must take automatic daily snapshots (snapshotRetentionLimit of at least 1 day).",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: (args, report) => {
    if (args.type !== AWS.cacheReplicationGroup && args.type !== AWS.cacheCluster) args.notApplicable("not an ElastiCache replication group or cluster");
    if (args.type === AWS.cacheCluster && known(() => args.props.replicationGroupId)) args.notApplicable("a member of a replication group (the group's setting applies)");
    if (args.type === AWS.cacheCluster && known(() => args.props.engine, "redis") === "memcached") args.notApplicable("Memcached has no snapshots");
    const days = Number(known(() => args.props.snapshotRetentionLimit, 1) ?? 0);
    if (!(days >= 1)) report(must(`${label(args.type, args.name)}: snapshotRetentionLimit is ${days}, so no automatic backups are kept`, "set snapshotRetentionLimit: 7 (and a snapshotWindow outside peak hours)"));
  },
};
