import type { ResourceValidationPolicy } from "@pulumi/policy";
import { AWS } from "./aws-types";
import { coversPort, DATABASE_PORTS, databasePortsSchema, filled, known, label, list, must, settings, type Props } from "./util";

/**
 * Databases are not reachable from the internet: RDS instances (and Aurora
 * instances) are not `publiclyAccessible`; OpenSearch domains live in a VPC
 * (`vpcOptions.subnetIds`) instead of on a public endpoint.
 */
export const awsNotPubliclyAccessible: ResourceValidationPolicy = {
  name: "aws-not-publicly-accessible",
  description: "Managed databases must not be publicly accessible (RDS publiclyAccessible false; OpenSearch inside a VPC).",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: (args, report) => {
    const at = label(args.type, args.name);
    switch (args.type) {
      case AWS.rdsInstance:
      case AWS.rdsClusterInstance:
        if (known(() => args.props.publiclyAccessible, false) === true) {
          report(must(`${at}: publiclyAccessible is true, so it gets a public IP`, "set publiclyAccessible: false and place it in private subnets (dbSubnetGroupName)"));
        }
        return;
      case AWS.opensearchDomain:
      case AWS.elasticsearchDomain: {
        const subnets = list(known(() => args.props.vpcOptions?.subnetIds, ["(computed)"]));
        if (subnets.length === 0) report(must(`${at}: no vpcOptions.subnetIds, so the domain has a public endpoint`, "set vpcOptions { subnetIds, securityGroupIds } to private subnets"));
        return;
      }
      default:
        args.notApplicable("not an RDS instance or OpenSearch domain");
    }
  },
};

const OPEN = ["0.0.0.0/0", "::/0"];

/** An open ingress rule's problem for one rule shape, or undefined. */
function openRule(rule: { protocol: unknown; from: unknown; to: unknown; cidrs: unknown[] }, ports: number[]): string | undefined {
  const open = rule.cidrs.filter((c): c is string => typeof c === "string" && OPEN.includes(c));
  if (open.length === 0) return undefined;
  const proto = String(rule.protocol ?? "").toLowerCase();
  if (proto !== "-1" && proto !== "all" && proto !== "tcp" && proto !== "6") return undefined;
  const port = coversPort(rule.from, rule.to, ports, proto === "-1" || proto === "all");
  if (port === undefined) return undefined;
  const range = proto === "-1" || proto === "all" ? "all ports" : `ports ${rule.from}-${rule.to}`;
  return `allows ${open.join(" and ")} on ${range}, which includes database port ${port}`;
}

/** No security group lets 0.0.0.0/0 or ::/0 reach a database port (inline ingress, SecurityGroupRule, SecurityGroupIngressRule). */
export const awsNoPublicDatabaseIngress: ResourceValidationPolicy = {
  name: "aws-no-public-database-ingress",
  description: "Security groups must not allow ingress from 0.0.0.0/0 or ::/0 to a database port.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: { properties: { databasePorts: databasePortsSchema } },
  validateResource: (args, report) => {
    const { databasePorts } = settings(args, { databasePorts: DATABASE_PORTS });
    const at = label(args.type, args.name);
    const fix = "allow only the application's security group (securityGroups / sourceSecurityGroupId / referencedSecurityGroupId) or private CIDRs";
    const p = args.props;
    switch (args.type) {
      case AWS.securityGroup:
        list<Props>(known(() => p.ingress, [])).forEach((r, i) => {
          const why = openRule({ protocol: known(() => r.protocol), from: known(() => r.fromPort), to: known(() => r.toPort), cidrs: [...list(known(() => r.cidrBlocks)), ...list(known(() => r.ipv6CidrBlocks))] }, databasePorts);
          if (why) report(must(`${at}: ingress[${i}] ${why}`, fix));
        });
        return;
      case AWS.securityGroupRule: {
        if (known(() => p.type) !== "ingress") return;
        const why = openRule({ protocol: known(() => p.protocol), from: known(() => p.fromPort), to: known(() => p.toPort), cidrs: [...list(known(() => p.cidrBlocks)), ...list(known(() => p.ipv6CidrBlocks))] }, databasePorts);
        if (why) report(must(`${at}: ${why}`, fix));
        return;
      }
      case AWS.securityGroupIngressRule: {
        const cidrs = [known(() => p.cidrIpv4), known(() => p.cidrIpv6)].filter(filled);
        const why = openRule({ protocol: known(() => p.ipProtocol), from: known(() => p.fromPort), to: known(() => p.toPort), cidrs }, databasePorts);
        if (why) report(must(`${at}: ${why}`, fix));
        return;
      }
      default:
        args.notApplicable("not a security group rule");
    }
  },
};
