import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { AWS } from "./aws-types";
import { known, label, must, parameters, referenced } from "./util";

const isRds = (type: string) => type === AWS.rdsInstance || type === AWS.rdsCluster;
/** CA certificates AWS currently issues (rds-ca-2019 expired in August 2024). */
const CURRENT_CAS = ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"];

/** RDS accepts IAM database authentication (short-lived tokens instead of long-lived passwords). */
export const awsRdsIamAuth: ResourceValidationPolicy = {
  name: "aws-rds-iam-auth",
  description: "RDS instances and Aurora clusters must enable IAM database authentication.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: (args, report) => {
    if (!isRds(args.type)) args.notApplicable("not an RDS instance or Aurora cluster");
    if (known(() => args.props.iamDatabaseAuthenticationEnabled, true) !== true) report(must(`${label(args.type, args.name)}: iamDatabaseAuthenticationEnabled is not true`, "set iamDatabaseAuthenticationEnabled: true"));
  },
};

/** RDS uses a current CA certificate. */
export const awsRdsCurrentCa: ResourceValidationPolicy = {
  name: "aws-rds-current-ca",
  description: `RDS instances must use a current CA certificate (${CURRENT_CAS.join(", ")}).`,
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: (args, report) => {
    if (args.type !== AWS.rdsInstance && args.type !== AWS.rdsClusterInstance) args.notApplicable("not an RDS instance");
    // Unset: AWS gives new instances rds-ca-rsa2048-g1.
    const ca = known(() => args.props.caCertIdentifier, CURRENT_CAS[0]) ?? CURRENT_CAS[0];
    if (!CURRENT_CAS.includes(String(ca))) report(must(`${label(args.type, args.name)}: caCertIdentifier is ${ca}, not a current CA`, `set caCertIdentifier: "${CURRENT_CAS[0]}" (clients must trust the new CA bundle)`));
  },
};

/** RDS applies minor (security) versions automatically in the maintenance window. */
export const awsRdsAutoMinorVersionUpgrade: ResourceValidationPolicy = {
  name: "aws-rds-auto-minor-version-upgrade",
  description: "RDS instances must apply minor engine versions automatically.",
  enforcementLevel: "mandatory",
  severity: "low",
  validateResource: (args, report) => {
    if (args.type !== AWS.rdsInstance && args.type !== AWS.rdsClusterInstance) args.notApplicable("not an RDS instance");
    if (known(() => args.props.autoMinorVersionUpgrade, true) === false) report(must(`${label(args.type, args.name)}: autoMinorVersionUpgrade is false`, "set autoMinorVersionUpgrade: true (the default)"));
  },
};

/** Snapshots carry the instance's tags (owner, cost centre) so they are attributable and covered by tag-based policies. */
export const awsRdsCopyTagsToSnapshot: ResourceValidationPolicy = {
  name: "aws-rds-copy-tags-to-snapshot",
  description: "RDS instances and Aurora clusters must copy their tags to snapshots.",
  enforcementLevel: "mandatory",
  severity: "low",
  validateResource: (args, report) => {
    if (!isRds(args.type)) args.notApplicable("not an RDS instance or Aurora cluster");
    if (known(() => args.props.copyTagsToSnapshot, true) !== true) report(must(`${label(args.type, args.name)}: copyTagsToSnapshot is not true`, "set copyTagsToSnapshot: true"));
  },
};

/** RDS Enhanced Monitoring: OS metrics at 60 s or finer, through a monitoring role. */
export const awsRdsEnhancedMonitoring: ResourceValidationPolicy = {
  name: "aws-rds-enhanced-monitoring",
  description: "RDS instances must have Enhanced Monitoring (monitoringInterval of 1-60 s with a monitoringRoleArn).",
  enforcementLevel: "mandatory",
  severity: "low",
  validateResource: (args, report) => {
    if (args.type !== AWS.rdsInstance && args.type !== AWS.rdsClusterInstance) args.notApplicable("not an RDS instance");
    const interval = Number(known(() => args.props.monitoringInterval, 60) ?? 0);
    const at = label(args.type, args.name);
    if (!(interval > 0 && interval <= 60)) report(must(`${at}: monitoringInterval is ${interval}, so Enhanced Monitoring is off`, "set monitoringInterval: 60 and monitoringRoleArn to a role with AmazonRDSEnhancedMonitoringRole"));
    else if (known(() => args.props.monitoringRoleArn, "(computed)") === undefined) report(must(`${at}: monitoringInterval is set without monitoringRoleArn`, "set monitoringRoleArn to a role trusted by monitoring.rds.amazonaws.com with AmazonRDSEnhancedMonitoringRole"));
  },
};

/** RDS PostgreSQL logs DDL / modifying statements or slow queries (log_statement or log_min_duration_statement). */
export const awsRdsPostgresQueryLogging: StackValidationPolicy = {
  name: "aws-rds-postgres-query-logging",
  description: "RDS PostgreSQL must log statements (log_statement ddl/mod/all or log_min_duration_statement ≥ 0 in its parameter group) and export the postgresql log.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateStack: (args, report) => {
    const dbs = args.resources.filter((r) => r.type === AWS.rdsInstance && /postgres/.test(String(known(() => r.props.engine, "") ?? "")));
    if (dbs.length === 0) args.notApplicable("no RDS PostgreSQL instance in this stack");
    for (const r of dbs) {
      const at = label(r.type, r.name);
      const group = referenced(r, "parameterGroupName", [AWS.rdsParameterGroup], args.resources);
      const p = parameters(group);
      const statement = p.get("log_statement");
      const duration = p.get("log_min_duration_statement");
      const logs = (statement !== undefined && statement !== "none") || (duration !== undefined && Number(duration) >= 0);
      if (!logs) report(must(`${at}: its parameter group ${group ? "sets neither log_statement nor log_min_duration_statement" : "is not part of this stack (the default logs no statements)"}`, "set log_statement=ddl and log_min_duration_statement=1000 (ms) in an rds.ParameterGroup"), r.urn);
    }
  },
};
