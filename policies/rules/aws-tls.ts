import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { AWS, TLS12_POLICIES } from "./aws-types";
import { filled, known, label, must, parameters, referenced } from "./util";

/** The parameter that forces TLS for an RDS/Aurora engine, and the values that turn it on. */
function tlsParameter(engine: string): { name: string; on: string[] } | undefined {
  if (/postgres|sqlserver/.test(engine)) return { name: "rds.force_ssl", on: ["1"] };
  if (/mysql|mariadb/.test(engine)) return { name: "require_secure_transport", on: ["1", "on", "ON"] };
  return undefined;
}

/** Whether an AWS default parameter group already forces TLS (PostgreSQL 15+ defaults to rds.force_ssl=1). */
function defaultGroupForcesTls(group: string): boolean {
  const pg = /^default\.(aurora-)?postgres(\d+)/.exec(group);
  return (pg !== null && Number(pg[2]) >= 15) || /^default\.docdb/.test(group);
}

/** Why a database's parameter group does not force TLS, or undefined. */
function groupTlsProblem(r: PolicyResource, prop: string, groupTypes: string[], param: { name: string; on: string[] }, resources: PolicyResource[]): string | undefined {
  const name = known(() => r.props[prop], "(computed)");
  if (!filled(name)) return `no ${prop}: the engine default does not set ${param.name}`;
  if (name.startsWith("default.")) return defaultGroupForcesTls(name) ? undefined : `${prop} is the default group ${name}, where ${param.name} is off`;
  const group = referenced(r, prop, groupTypes, resources);
  if (!group) return name === "(computed)" ? undefined : `parameter group ${name} is not part of this stack, so ${param.name} cannot be checked`;
  const value = parameters(group).get(param.name.toLowerCase());
  if (value === undefined) return `parameter group ${name} does not set ${param.name}`;
  return param.on.includes(value) ? undefined : `parameter group ${name} sets ${param.name}=${value}`;
}

/**
 * Clients can only connect over TLS: RDS/Aurora parameter groups with
 * rds.force_ssl=1 (PostgreSQL) / require_secure_transport=1 (MySQL);
 * DocumentDB cluster parameter `tls` enabled; ElastiCache
 * transitEncryptionEnabled (mode `required`); MemoryDB tlsEnabled; OpenSearch
 * enforceHttps with a TLS 1.2+ policy and node-to-node encryption.
 */
export const awsTlsInTransit: StackValidationPolicy = {
  name: "aws-tls-in-transit",
  description: "Managed databases must require TLS in transit (RDS rds.force_ssl=1, DocumentDB tls, ElastiCache/MemoryDB transit encryption, OpenSearch HTTPS with TLS 1.2+).",
  enforcementLevel: "mandatory",
  severity: "high",
  validateStack: (args, report) => {
    let seen = 0;
    for (const r of args.resources) {
      const say = (problem: string, fix: string) => report(must(`${label(r.type, r.name)}: ${problem}`, fix), r.urn);
      const p = r.props;
      switch (r.type) {
        case AWS.rdsInstance:
        case AWS.rdsCluster: {
          const param = tlsParameter(String(known(() => p.engine, "") ?? ""));
          if (!param) continue;
          seen++;
          const cluster = r.type === AWS.rdsCluster;
          const why = cluster
            ? groupTlsProblem(r, "dbClusterParameterGroupName", [AWS.rdsClusterParameterGroup], param, args.resources)
            : groupTlsProblem(r, "parameterGroupName", [AWS.rdsParameterGroup], param, args.resources);
          if (why) say(why, `use a ${cluster ? "rds.ClusterParameterGroup" : "rds.ParameterGroup"} with ${param.name}=1 and point ${cluster ? "dbClusterParameterGroupName" : "parameterGroupName"} at it`);
          continue;
        }
        case AWS.docdbCluster: {
          seen++;
          const why = groupTlsProblem(r, "dbClusterParameterGroupName", [AWS.docdbClusterParameterGroup], { name: "tls", on: ["enabled", "tls1.2+", "tls1.3+", "fips-140-3"] }, args.resources);
          if (why) say(why, "use a docdb.ClusterParameterGroup with tls=enabled (or tls1.2+) and set dbClusterParameterGroupName to it");
          continue;
        }
        case AWS.cacheReplicationGroup: {
          seen++;
          if (known(() => p.transitEncryptionEnabled, true) !== true) say("transitEncryptionEnabled is not true", "set transitEncryptionEnabled: true (required for authToken)");
          else if (known(() => p.transitEncryptionMode) === "preferred") say("transitEncryptionMode is preferred, so plain-text clients still connect", 'set transitEncryptionMode: "required"');
          continue;
        }
        case AWS.memorydbCluster:
          seen++;
          if (known(() => p.tlsEnabled, true) === false) say("tlsEnabled is false", "set tlsEnabled: true (the default)");
          continue;
        case AWS.opensearchDomain:
        case AWS.elasticsearchDomain: {
          seen++;
          const ep = (known(() => p.domainEndpointOptions) ?? {}) as Record<string, unknown>;
          if (known(() => ep.enforceHttps, true) !== true) say("domainEndpointOptions.enforceHttps is not true", "set domainEndpointOptions { enforceHttps: true }");
          const tls = known(() => ep.tlsSecurityPolicy, "Policy-Min-TLS-1-2-2019-07");
          if (typeof tls !== "string" || !TLS12_POLICIES.test(tls)) say(`tlsSecurityPolicy is ${tls ?? "unset (TLS 1.0 allowed)"}`, 'set domainEndpointOptions.tlsSecurityPolicy "Policy-Min-TLS-1-2-2019-07" (or newer)');
          if (known(() => p.nodeToNodeEncryption?.enabled, true) !== true) say("nodeToNodeEncryption.enabled is not true", "set nodeToNodeEncryption { enabled: true }");
          continue;
        }
      }
    }
    if (seen === 0) args.notApplicable("no AWS managed database in this stack");
  },
};
