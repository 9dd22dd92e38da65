import { z } from "zod";
import { kubernetesSubdomain, secretsManagerPrefix } from "../core/formats";

/** `polystore:connectionSecrets`: where applications' connection details are written. */
export const connectionSecretsSchema = z.strictObject({
  /** A `.env.<stack>` file (mode 0600). Default: on when a store uses the docker or external target. */
  envFile: z
    .strictObject({
      enabled: z.boolean().optional(),
      /** Path of the file relative to the project root. Default `.env.<stack>`. */
      path: z.string().min(1).optional(),
    })
    .prefault({}),
  /** One AWS Secrets Manager secret per store. Default: on when a store uses the aws target. */
  awsSecretsManager: z.strictObject({ enabled: z.boolean().optional(), prefix: secretsManagerPrefix.optional() }).prefault({}),
  /** One Kubernetes Secret per stack. Default: on when a store uses the kubernetes target. */
  kubernetesSecret: z.strictObject({ enabled: z.boolean().optional(), name: kubernetesSubdomain.optional() }).prefault({}),
});
export type ConnectionSecretsConfig = z.output<typeof connectionSecretsSchema>;
