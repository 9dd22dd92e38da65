import type { ResourceValidationPolicy } from "@pulumi/policy";
import { AWS, TLS12_POLICIES } from "./aws-types";
import { known, label, must, settings } from "./util";

const isDomain = (type: string) => type === AWS.opensearchDomain || type === AWS.elasticsearchDomain;

/** OpenSearch fine-grained access control: users, roles and document/field security instead of an open domain policy. */
export const awsOpensearchFineGrainedAccess: ResourceValidationPolicy = {
  name: "aws-opensearch-fine-grained-access",
  description: "OpenSearch domains must enable fine-grained access control without anonymous access.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: (args, report) => {
    if (!isDomain(args.type)) args.notApplicable("not an OpenSearch domain");
    const at = label(args.type, args.name);
    const aso = (known(() => args.props.advancedSecurityOptions, { enabled: true }) ?? {}) as Record<string, unknown>;
    if (known(() => aso.enabled, true) !== true) report(must(`${at}: advancedSecurityOptions.enabled is not true`, "set advancedSecurityOptions { enabled: true, internalUserDatabaseEnabled: true, masterUserOptions }"));
    else if (known(() => aso.anonymousAuthEnabled, false) === true) report(must(`${at}: advancedSecurityOptions.anonymousAuthEnabled is true`, "set anonymousAuthEnabled: false"));
  },
};

/** Traffic between OpenSearch nodes is encrypted. */
export const awsOpensearchNodeToNode: ResourceValidationPolicy = {
  name: "aws-opensearch-node-to-node-encryption",
  description: "OpenSearch domains must encrypt node-to-node traffic.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: (args, report) => {
    if (!isDomain(args.type)) args.notApplicable("not an OpenSearch domain");
    if (known(() => args.props.nodeToNodeEncryption?.enabled, true) !== true) report(must(`${label(args.type, args.name)}: nodeToNodeEncryption.enabled is not true`, "set nodeToNodeEncryption { enabled: true } (requires a new domain on old engine versions)"));
  },
};

/** OpenSearch endpoints accept only TLS 1.2 or newer. */
export const awsOpensearchTls12: ResourceValidationPolicy = {
  name: "aws-opensearch-tls12",
  description: "OpenSearch domain endpoints must use a TLS security policy with TLS 1.2 or newer.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: (args, report) => {
    if (!isDomain(args.type)) args.notApplicable("not an OpenSearch domain");
    const tls = known(() => args.props.domainEndpointOptions?.tlsSecurityPolicy, "Policy-Min-TLS-1-2-2019-07");
    if (typeof tls !== "string" || !TLS12_POLICIES.test(tls)) report(must(`${label(args.type, args.name)}: tlsSecurityPolicy is ${tls ?? "unset (TLS 1.0 allowed)"}`, 'set domainEndpointOptions.tlsSecurityPolicy "Policy-Min-TLS-1-2-PFS-2023-10"'));
  },
};

interface MastersConfig {
  minDedicatedMasters: number;
}

/** Production OpenSearch has dedicated master nodes (an odd number, at least 3) so data nodes under load cannot lose the cluster state. */
export const awsOpensearchDedicatedMasters: ResourceValidationPolicy = {
  name: "aws-opensearch-dedicated-masters",
  description: "OpenSearch domains in production must have at least minDedicatedMasters (default 3) dedicated master nodes.",
  enforcementLevel: "mandatory",
  severity: "medium",
  configSchema: { properties: { minDedicatedMasters: { type: "integer", minimum: 3, default: 3 } } },
  validateResource: (args, report) => {
    if (!isDomain(args.type)) args.notApplicable("not an OpenSearch domain");
    const { minDedicatedMasters } = settings<MastersConfig>(args, { minDedicatedMasters: 3 });
    const cfg = (known(() => args.props.clusterConfig, {}) ?? {}) as Record<string, unknown>;
    const at = label(args.type, args.name);
    if (known(() => cfg.dedicatedMasterEnabled, true) !== true) report(must(`${at}: clusterConfig.dedicatedMasterEnabled is not true`, `set clusterConfig { dedicatedMasterEnabled: true, dedicatedMasterCount: ${minDedicatedMasters}, dedicatedMasterType }`));
    else {
      const count = Number(known(() => cfg.dedicatedMasterCount, minDedicatedMasters) ?? 0);
      if (count < minDedicatedMasters) report(must(`${at}: dedicatedMasterCount is ${count}, below ${minDedicatedMasters}`, `set dedicatedMasterCount: ${minDedicatedMasters}`));
    }
  },
};
