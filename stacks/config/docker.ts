import { z } from "zod";

/** `polystore:docker`: settings of the local Docker target. */
export const dockerSchema = z.strictObject({
  /** Docker daemon address; default: the local daemon (`DOCKER_HOST` or the Unix socket). */
  host: z.string().min(1).optional(),
  /** Address host ports are published on. Default `127.0.0.1` (loopback only). */
  bindAddress: z.string().regex(/^(\d{1,3}\.){3}\d{1,3}$|^::1$/, "expected an IP address such as 127.0.0.1").default("127.0.0.1"),
  /** Total memory all containers may ask for, in MB. Default 4096 (4 GiB). */
  memoryBudgetMb: z.number().int().min(256).default(4096),
  /** Keep the named data volumes when the stack is destroyed (they are never dropped by `pulumi up`). Default true. */
  keepVolumesOnDestroy: z.boolean().default(true),
  /** Seconds to wait for a container to become healthy. Default 180. */
  healthTimeoutSeconds: z.number().int().min(10).default(180),
});
export type DockerConfig = z.output<typeof dockerSchema>;
