/**
 * Entry point of the policy pack for the Pulumi CLI:
 *   pulumi preview --stack prod --policy-pack policies --policy-pack-config policies/policy-config.json
 * Enforcement levels and settings come from the policy-pack config file; the
 * same file drives the offline check (`npm run policy:check`).
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_ARGS, PACK_NAME } from "./pack";

new PolicyPack(PACK_NAME, PACK_ARGS);
