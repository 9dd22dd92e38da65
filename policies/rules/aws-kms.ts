import type { ResourceValidationPolicy } from "@pulumi/policy";
import { AWS } from "./aws-types";
import { filled, known, label, must } from "./util";

/** Where each managed store takes its customer-managed key. */
const KMS_PROPERTY: Record<string, (p: Record<string, any>) => unknown> = {
  [AWS.rdsInstance]: (p) => p.kmsKeyId,
  [AWS.rdsCluster]: (p) => p.kmsKeyId,
  [AWS.docdbCluster]: (p) => p.kmsKeyId,
  [AWS.cacheReplicationGroup]: (p) => p.kmsKeyId,
  [AWS.memorydbCluster]: (p) => p.kmsKeyArn,
  [AWS.opensearchDomain]: (p) => p.encryptAtRest?.kmsKeyId,
  [AWS.elasticsearchDomain]: (p) => p.encryptAtRest?.kmsKeyId,
};

/** Every store is encrypted with a customer-managed KMS key (key policy, rotation and audit under the team's control). */
export const awsCustomerManagedKeys: ResourceValidationPolicy = {
  name: "aws-customer-managed-keys",
  description: "Managed databases should be encrypted with a customer-managed KMS key rather than the AWS-managed default.",
  enforcementLevel: "advisory",
  severity: "low",
  validateResource: (args, report) => {
    const read = KMS_PROPERTY[args.type];
    if (!read) args.notApplicable("not an AWS managed database");
    if (!filled(known(() => read!(args.props), "(computed)"))) {
      report(must(`${label(args.type, args.name)}: no customer-managed KMS key (the AWS-managed key is used)`, "set polystore:aws.kmsKeyArn to a customer-managed key (with rotation) before the store is created"));
    }
  },
};
