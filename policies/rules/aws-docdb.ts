import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { AWS } from "./aws-types";
import { known, label, list, must, parameters, referenced, settings } from "./util";

/** The cluster parameter group of a DocumentDB cluster, if it is part of the stack. */
function docdbGroup(r: PolicyResource, resources: PolicyResource[]): PolicyResource | undefined {
  return referenced(r, "dbClusterParameterGroupName", [AWS.docdbClusterParameterGroup], resources);
}

/** DocumentDB audit events reach CloudWatch: the `audit_logs` parameter on and `audit` exported. */
export const awsDocdbAuditLogs: StackValidationPolicy = {
  name: "aws-docdb-audit-logs",
  description: "DocumentDB clusters must record audit events (parameter audit_logs enabled and the audit log exported to CloudWatch).",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateStack: (args, report) => {
    const clusters = args.resources.filter((r) => r.type === AWS.docdbCluster);
    if (clusters.length === 0) args.notApplicable("no DocumentDB cluster in this stack");
    for (const r of clusters) {
      const at = label(r.type, r.name);
      if (!list(known(() => r.props.enabledCloudwatchLogsExports, ["audit"])).includes("audit")) report(must(`${at}: enabledCloudwatchLogsExports does not include audit`, 'add "audit" to enabledCloudwatchLogsExports'), r.urn);
      const group = docdbGroup(r, args.resources);
      const value = parameters(group).get("audit_logs");
      if (!group && known(() => r.props.dbClusterParameterGroupName) === undefined) continue; // computed during preview
      if (!value || value === "disabled" || value === "none") {
        report(must(`${at}: its cluster parameter group ${group ? "does not enable audit_logs" : "is not part of this stack (the default has audit_logs disabled)"}`, "use a docdb.ClusterParameterGroup with audit_logs=enabled (or all)"), r.urn);
      }
    }
  },
};

/** DocumentDB TLS is not switched off (the default parameter group requires it; a custom group can disable it). */
export const awsDocdbTlsEnabled: StackValidationPolicy = {
  name: "aws-docdb-tls-enabled",
  description: "DocumentDB clusters must not disable TLS (cluster parameter tls must not be disabled).",
  enforcementLevel: "mandatory",
  severity: "high",
  validateStack: (args, report) => {
    const clusters = args.resources.filter((r) => r.type === AWS.docdbCluster);
    if (clusters.length === 0) args.notApplicable("no DocumentDB cluster in this stack");
    for (const r of clusters) {
      const tls = parameters(docdbGroup(r, args.resources)).get("tls");
      if (tls === "disabled") report(must(`${label(r.type, r.name)}: its cluster parameter group sets tls=disabled`, "set the parameter tls=enabled (or tls1.2+) and reboot the instances"), r.urn);
    }
  },
};

interface DocdbBackupConfig {
  minRetentionDays: number;
}

/** DocumentDB keeps point-in-time backups long enough. */
export const awsDocdbBackupRetention: ResourceValidationPolicy = {
  name: "aws-docdb-backup-retention",
  description: "DocumentDB clusters must keep automated backups for at least minRetentionDays (default 7).",
  enforcementLevel: "mandatory",
  severity: "medium",
  configSchema: { properties: { minRetentionDays: { type: "integer", minimum: 1, maximum: 35, default: 7 } } },
  validateResource: (args, report) => {
    if (args.type !== AWS.docdbCluster) args.notApplicable("not a DocumentDB cluster");
    const { minRetentionDays } = settings<DocdbBackupConfig>(args, { minRetentionDays: 7 });
    // AWS's default is 1 day.
    const days = Number(known(() => args.props.backupRetentionPeriod, minRetentionDays) ?? 1);
    if (days < minRetentionDays) report(must(`${label(args.type, args.name)}: backupRetentionPeriod is ${days} day(s), below ${minRetentionDays}`, `set backupRetentionPeriod: ${minRetentionDays} (or more, up to 35)`));
  },
};
