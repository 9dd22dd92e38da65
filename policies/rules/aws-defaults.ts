import type { ResourceValidationPolicy } from "@pulumi/policy";
import { AWS } from "./aws-types";
import { known, label, list, must } from "./util";

/** The subnet-group property of each managed store (unset = the default VPC's default group). */
const SUBNET_GROUP: Record<string, string> = {
  [AWS.rdsInstance]: "dbSubnetGroupName",
  [AWS.rdsCluster]: "dbSubnetGroupName",
  [AWS.docdbCluster]: "dbSubnetGroupName",
  [AWS.cacheReplicationGroup]: "subnetGroupName",
  [AWS.cacheCluster]: "subnetGroupName",
  [AWS.memorydbCluster]: "subnetGroupName",
};

/** The security-group property of each managed store (unset = the VPC's default security group). */
const SECURITY_GROUPS: Record<string, (p: Record<string, any>) => unknown> = {
  [AWS.rdsInstance]: (p) => p.vpcSecurityGroupIds,
  [AWS.rdsCluster]: (p) => p.vpcSecurityGroupIds,
  [AWS.docdbCluster]: (p) => p.vpcSecurityGroupIds,
  [AWS.cacheReplicationGroup]: (p) => p.securityGroupIds,
  [AWS.cacheCluster]: (p) => p.securityGroupIds,
  [AWS.memorydbCluster]: (p) => p.securityGroupIds,
  [AWS.opensearchDomain]: (p) => p.vpcOptions?.securityGroupIds,
};

/** Stores sit in their own subnet group over the chosen private subnets, not the default one (the default VPC's subnets are public). */
export const awsNoDefaultSubnetGroup: ResourceValidationPolicy = {
  name: "aws-no-default-subnet-group",
  description: "Managed databases must use their own subnet group, not the default one.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: (args, report) => {
    const prop = SUBNET_GROUP[args.type];
    if (!prop) args.notApplicable("not an AWS managed database with a subnet group");
    const group = known(() => args.props[prop!], "(computed)");
    if (group === undefined || group === null || group === "" || String(group).toLowerCase() === "default") {
      report(must(`${label(args.type, args.name)}: ${prop} is ${group ? `"${group}"` : "unset"}, so the default subnet group is used`, `create a subnet group over private subnets and set ${prop} to it`));
    }
  },
};

/** Stores carry their own security group, not the VPC's default one (shared by everything launched without a group). */
export const awsNoDefaultSecurityGroup: ResourceValidationPolicy = {
  name: "aws-no-default-security-group",
  description: "Managed databases must have their own security groups, not the VPC's default security group.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: (args, report) => {
    const read = SECURITY_GROUPS[args.type];
    if (!read) args.notApplicable("not an AWS managed database with security groups");
    const at = label(args.type, args.name);
    const groups = list<unknown>(known(() => read!(args.props), ["(computed)"]));
    if (groups.length === 0) report(must(`${at}: no security groups, so the VPC's default security group is used`, "create a security group admitting only the applications and set it on the store"));
    else if (groups.some((g) => String(g).toLowerCase() === "default")) report(must(`${at}: uses the security group named default`, "replace it with a dedicated security group"));
  },
};
