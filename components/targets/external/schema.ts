import { z } from "zod";

/**
 * `polystore:stores.<store>.external`: the endpoint of a store that already exists (target
 * `external`). Passwords should be set with `pulumi config set --secret --path`.
 */
export const externalEndpointSchema = z.strictObject({
  /** Host name of the existing store. */
  host: z.string().min(1),
  /** Client port. */
  port: z.number().int().min(1).max(65535),
  /** Whether clients must use TLS. Default true. */
  tls: z.boolean().default(true),
  /** User the init runner connects as. */
  adminUser: z.string().min(1),
  /** Its password (secret). */
  adminPassword: z.string().min(1),
  /** Application user; default: the runner creates `appUser` with a generated password. */
  appUser: z.string().min(1).optional(),
  /** Application password (secret) when the application user is managed outside polystore. */
  appPassword: z.string().min(1).optional(),
});
export type ExternalEndpointConfig = z.output<typeof externalEndpointSchema>;
