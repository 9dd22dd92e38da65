import type { ResourceValidationPolicy } from "@pulumi/policy";
import { AWS } from "./aws-types";
import { known, label, must, settings } from "./util";

/** Types with a native deletion-protection flag. */
const NATIVE = [AWS.rdsInstance, AWS.rdsCluster, AWS.docdbCluster] as string[];
/** Types without one: Pulumi's `protect` option guards them instead. */
const PROTECT_ONLY = [AWS.cacheReplicationGroup, AWS.cacheServerless, AWS.memorydbCluster, AWS.opensearchDomain, AWS.elasticsearchDomain] as string[];

/**
 * Production databases cannot be deleted by accident: `deletionProtection:
 * true` where AWS has the flag (RDS, Aurora, DocumentDB), Pulumi's
 * `protect: true` resource option where it does not (ElastiCache, MemoryDB,
 * OpenSearch).
 */
export const awsDeletionProtection: ResourceValidationPolicy = {
  name: "aws-deletion-protection",
  description: "Managed databases must have deletion protection (deletionProtection, or Pulumi `protect` where AWS has no flag).",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: {
    properties: {
      requireProtectWhereNoFlag: { type: "boolean", default: true, description: "Require Pulumi's protect option on ElastiCache, MemoryDB and OpenSearch." },
    },
  },
  validateResource: (args, report) => {
    const cfg = settings(args, { requireProtectWhereNoFlag: true });
    const at = label(args.type, args.name);
    if (NATIVE.includes(args.type)) {
      if (known(() => args.props.deletionProtection, true) !== true) {
        report(must(`${at}: deletionProtection is not true`, "set deletionProtection: true (turn it off deliberately, in its own change, before a planned deletion)"));
      }
      return;
    }
    if (PROTECT_ONLY.includes(args.type)) {
      if (cfg.requireProtectWhereNoFlag && !args.opts.protect) {
        report(must(`${at}: AWS has no deletion protection for it and the resource is not protected`, "create it with the resource option { protect: true }"));
      }
      return;
    }
    args.notApplicable("not an AWS managed database");
  },
};
