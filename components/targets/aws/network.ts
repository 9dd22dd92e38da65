import * as crypto from "crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StoreRenderInput } from "../../core/target";
import type { AwsConfig } from "./schema";

/** What every AWS store of a stack shares: the validated network settings and naming. */
export interface AwsInfra {
  /** `polystore:aws`, validated (vpcId and subnetIds present). */
  config: AwsConfig & { vpcId: string; subnetIds: string[] };
  /** Stack name, used in physical names. */
  stack: string;
  /** `{ region }` when `polystore:aws.region` is set, else `{}` (the provider's region). */
  region: { region?: string };
}

/**
 * Checks the stack-wide AWS settings once per stack. No resource is created:
 * the VPC, its subnets and the security groups allowed in already exist.
 */
export function createAwsInfra(a: AwsConfig | undefined, stack: string): AwsInfra {
  const missing = [
    ...(a?.vpcId ? [] : ["polystore:aws.vpcId"]),
    ...(a?.subnetIds ? [] : ["polystore:aws.subnetIds"]),
  ];
  if (!a || missing.length > 0) throw new Error(`aws target: ${missing.join(", ")} required (the existing VPC and its private subnets)`);
  return {
    config: a as AwsInfra["config"],
    stack,
    region: a.region ? { region: a.region } : {},
  };
}

/** Tags of one store's resources: the stack's tags plus `store`. */
export function storeTags(ctx: StoreRenderInput): Record<string, string> {
  return { ...ctx.tags, store: ctx.kind };
}

/**
 * A physical AWS name from parts: lower-case letters, digits and single
 * hyphens, starting with a letter, at most `max` characters. A name that must
 * be shortened ends with 6 hex digits of a hash of the full name, so two long
 * names that differ only at the end (`…-admin`, `…-app`) stay distinct.
 */
export function awsName(parts: string[], max: number): string {
  const full = parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+$/, "");
  if (full.length === 0) return "polystore";
  if (full.length <= max) return full;
  const hash = crypto.createHash("sha256").update(full).digest("hex").slice(0, 6);
  return `${full.slice(0, max - 7).replace(/-+$/, "")}-${hash}`;
}

/** Whether production defaults apply, with a per-store override. */
export function prodDefault(infra: AwsInfra, override: boolean | undefined): boolean {
  return override ?? infra.config.production;
}

/**
 * A security group in the configured VPC admitting only the configured
 * security groups and CIDR blocks, on the store's client port only. No egress
 * rule: managed stores answer connections, they do not open any.
 */
export function storeSecurityGroup(ctx: StoreRenderInput, infra: AwsInfra, port: number): aws.ec2.SecurityGroup {
  const c = infra.config;
  const ingress: aws.types.input.ec2.SecurityGroupIngress[] = [
    ...c.allowedSecurityGroupIds.map((sg) => ({
      protocol: "tcp",
      fromPort: port,
      toPort: port,
      securityGroups: [sg],
      description: `${ctx.kind} clients (security group ${sg})`,
    })),
    ...c.allowedCidrs.map((cidr) => ({
      protocol: "tcp",
      fromPort: port,
      toPort: port,
      ...(cidr.includes(":") ? { ipv6CidrBlocks: [cidr] } : { cidrBlocks: [cidr] }),
      description: `${ctx.kind} clients (${cidr})`,
    })),
  ];
  return new aws.ec2.SecurityGroup(
    `${ctx.name}-sg`,
    {
      ...infra.region,
      description: `polystore ${infra.stack} ${ctx.kind}: clients on port ${port}`,
      vpcId: c.vpcId,
      ingress,
      egress: [],
      revokeRulesOnDelete: true,
      tags: storeTags(ctx),
    },
    { parent: ctx.parent },
  );
}

/** The admin identity's password (secret). */
export function adminPassword(ctx: StoreRenderInput): pulumi.Output<string> {
  return pulumi.secret(ctx.identity.admin.apply((c) => c.password));
}
