import type { ResourceValidationPolicy } from "@pulumi/policy";
import { known, label, must, settings, type Props } from "./util";

/** AWS types polystore's production target creates that take tags (any other AWS resource is checked once it has `tags`). */
const TAGGABLE = new Set(
  [
    "rds/instance:Instance", "rds/cluster:Cluster", "rds/clusterInstance:ClusterInstance", "rds/parameterGroup:ParameterGroup",
    "rds/clusterParameterGroup:ClusterParameterGroup", "rds/subnetGroup:SubnetGroup", "elasticache/replicationGroup:ReplicationGroup",
    "elasticache/cluster:Cluster", "elasticache/parameterGroup:ParameterGroup", "elasticache/subnetGroup:SubnetGroup",
    "elasticache/serverlessCache:ServerlessCache", "elasticache/user:User", "elasticache/userGroup:UserGroup", "memorydb/cluster:Cluster",
    "memorydb/parameterGroup:ParameterGroup", "memorydb/subnetGroup:SubnetGroup", "memorydb/acl:Acl", "memorydb/user:User",
    "docdb/cluster:Cluster", "docdb/clusterInstance:ClusterInstance", "docdb/clusterParameterGroup:ClusterParameterGroup",
    "docdb/subnetGroup:SubnetGroup", "opensearch/domain:Domain", "elasticsearch/domain:Domain", "ec2/securityGroup:SecurityGroup",
    "vpc/securityGroupIngressRule:SecurityGroupIngressRule", "vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "secretsmanager/secret:Secret", "kms/key:Key", "cloudwatch/logGroup:LogGroup", "iam/role:Role",
  ].map((t) => `aws:${t}`),
);

function tagBag(x: unknown): Props {
  if (typeof x === "string") {
    try {
      return tagBag(JSON.parse(x));
    } catch {
      return {};
    }
  }
  return x && typeof x === "object" ? (x as Props) : {};
}

/** Taggable AWS resources carry the cost tags (default `owner` and `cost-centre`), directly or through the provider's defaultTags. */
export const awsCostTags: ResourceValidationPolicy = {
  name: "aws-cost-tags",
  description: "Taggable AWS resources should carry the owner and cost-centre tags.",
  enforcementLevel: "advisory",
  severity: "low",
  configSchema: {
    properties: { requiredTags: { type: "array", items: { type: "string" }, default: ["owner", "cost-centre"], description: "Tag keys every taggable AWS resource carries." } },
  },
  validateResource: (args, report) => {
    if (!args.type.startsWith("aws:")) args.notApplicable("not an AWS resource");
    const tags = known(() => args.props.tags);
    if (!TAGGABLE.has(args.type) && tags === undefined) args.notApplicable("not a taggable AWS resource");
    const { requiredTags } = settings(args, { requiredTags: ["owner", "cost-centre"] });
    const defaults = tagBag(known(() => tagBag(args.provider?.props?.defaultTags).tags));
    const all = { ...defaults, ...tagBag(known(() => args.props.tagsAll)), ...tagBag(tags) };
    const missing = requiredTags.filter((k) => !(typeof all[k] === "string" && all[k].trim() !== ""));
    if (missing.length > 0) {
      report(must(`${label(args.type, args.name)}: missing tag${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`, "set polystore:owner and polystore:costCentre (the stack tags every resource), or the provider's defaultTags"));
    }
  },
};
