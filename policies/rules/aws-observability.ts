import type { ResourceValidationPolicy } from "@pulumi/policy";
import { AWS } from "./aws-types";
import { known, label, list, must, type Props } from "./util";

/** Database logs reach CloudWatch: RDS/Aurora/DocumentDB enabledCloudwatchLogsExports, OpenSearch logPublishingOptions. */
export const awsLogExports: ResourceValidationPolicy = {
  name: "aws-log-exports",
  description: "Managed databases should export their logs to CloudWatch.",
  enforcementLevel: "advisory",
  severity: "low",
  validateResource: (args, report) => {
    const at = label(args.type, args.name);
    switch (args.type) {
      case AWS.rdsInstance:
      case AWS.rdsCluster:
      case AWS.docdbCluster: {
        if (list(known(() => args.props.enabledCloudwatchLogsExports, ["(computed)"])).length === 0) {
          const hint = args.type === AWS.docdbCluster ? '["audit", "profiler"]' : '["postgresql", "upgrade"] (PostgreSQL) or ["error", "slowquery"] (MySQL)';
          report(must(`${at}: enabledCloudwatchLogsExports is empty`, `set enabledCloudwatchLogsExports: ${hint}`));
        }
        return;
      }
      case AWS.opensearchDomain:
      case AWS.elasticsearchDomain: {
        const enabled = list<Props>(known(() => args.props.logPublishingOptions, [{}])).filter((o) => known(() => o.enabled, true) !== false);
        if (enabled.length === 0) report(must(`${at}: no enabled logPublishingOptions`, "publish ES_APPLICATION_LOGS and SEARCH_SLOW_LOGS to a CloudWatch log group"));
        return;
      }
      default:
        args.notApplicable("not an AWS managed database");
    }
  },
};

/** RDS instances have Performance Insights (or Database Insights advanced mode). */
export const awsPerformanceInsights: ResourceValidationPolicy = {
  name: "aws-performance-insights",
  description: "RDS instances should have Performance Insights enabled.",
  enforcementLevel: "advisory",
  severity: "low",
  validateResource: (args, report) => {
    if (args.type !== AWS.rdsInstance && args.type !== AWS.rdsClusterInstance) args.notApplicable("not an RDS instance");
    const on = known(() => args.props.performanceInsightsEnabled, true) === true || known(() => args.props.databaseInsightsMode) === "advanced";
    if (!on) report(must(`${label(args.type, args.name)}: performanceInsightsEnabled is not true`, "set performanceInsightsEnabled: true (7 days retention is free)"));
  },
};
