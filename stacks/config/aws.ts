import { z } from "zod";

/**
 * Per-store AWS settings (target `aws`), one schema per store that has an
 * AWS managed service. Stack-wide AWS settings are `awsSchema`.
 */
export const awsStoreSchemas = {
  postgres: z.strictObject({}),
  redis: z.strictObject({}),
  mongodb: z.strictObject({}),
  elasticsearch: z.strictObject({}),
};

/** `polystore:aws`: the existing network the managed services are placed in. */
export const awsSchema = z.strictObject({});
export type AwsConfig = z.output<typeof awsSchema>;
