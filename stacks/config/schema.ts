import { z } from "zod";
import { connectionSecretsSchema } from "../../components/secrets/schema";
import { STORE_KINDS, TARGETS } from "../../components/core/types";
import { awsSchema } from "../../components/targets/aws/schema";
import { dockerSchema } from "../../components/targets/docker/schema";
import { awsTagKey, awsTagValue } from "../../components/core/formats";
import { kubernetesSchema } from "../../components/targets/kubernetes/schema";
import { storesSchema } from "./stores";

/** `polystore:initScripts`: how init scripts are applied after a store is up. */
const initScriptsSchema = z.strictObject({
  /** Apply init scripts as part of `pulumi up`. Default true. */
  enabled: z.boolean().default(true),
  /** Root folder of the per-store script folders, relative to the project. Default `init-scripts`. */
  dir: z.string().min(1).default("init-scripts"),
  /** How long the runner waits for a store to answer, in seconds. Default 300. */
  timeoutSeconds: z.number().int().min(5).default(300),
});

/** The whole `polystore:` configuration namespace. */
export const configSchema = z.strictObject({
  /** Default target for every store. Default `docker`. */
  target: z.enum(TARGETS).default("docker"),
  /** The stores to provision, each with its settings. A listed store is enabled unless `enabled: false`. */
  stores: storesSchema,
  /** Team that owns the stack (tag `owner`). */
  owner: awsTagValue.min(1).optional(),
  /** Cost centre (tag `cost-centre`). */
  costCentre: awsTagValue.min(1).optional(),
  /** Extra tags/labels for everything that takes them (AWS limits: key 1–128 characters, not `aws:…`; value at most 256). */
  tags: z.record(awsTagKey, awsTagValue).default({}),
  docker: dockerSchema.prefault({}),
  kubernetes: kubernetesSchema.optional(),
  aws: awsSchema.optional(),
  initScripts: initScriptsSchema.prefault({}),
  connectionSecrets: connectionSecretsSchema.prefault({}),
});

export type PolystoreConfig = z.output<typeof configSchema>;

/** Keys of `configSchema` in the order they are documented. */
export const TOP_LEVEL_KEYS = Object.keys(configSchema.shape);
export { STORE_KINDS };
