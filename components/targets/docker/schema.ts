import { z } from "zod";
import { dockerHost, ipAddress, pinnedImage } from "../../core/formats";
import { ADMIN_UI_DEFAULTS, type AdminUiTool } from "./admin-ui-catalog";

/** One admin UI: `polystore:docker.adminUis.<tool>`; every field defaults from ADMIN_UI_DEFAULTS. */
function adminUiSchema(tool: AdminUiTool) {
  const d = ADMIN_UI_DEFAULTS[tool];
  return z
    .strictObject({
      /** Run this tool when adminUis.enabled and its store is on docker. Default true. */
      enabled: z.boolean().default(true),
      /** Host port, published on docker.bindAddress only. */
      port: z.number().int().min(1024).max(65535).default(d.port),
      /** Container memory limit in MB, counted in docker.memoryBudgetMb. */
      memoryMb: z.number().int().min(64).default(d.memoryMb),
      /** Image, pinned like the stores' (no `latest`). */
      image: pinnedImage(d.image).default(d.image),
    })
    .default({ enabled: true, port: d.port, memoryMb: d.memoryMb, image: d.image });
}

/**
 * `polystore:docker.adminUis`: opt-in web admin tools for the docker stores (off by default). Each
 * connects as the application identity (never the admin), has its own generated login written to the
 * env file, and runs on the stack's network with its port on the bind address only.
 */
export const adminUisSchema = z
  .strictObject({
    /** Add the admin UIs of the enabled docker stores. Default false. */
    enabled: z.boolean().default(false),
    /** pgAdmin 4 for PostgreSQL (as in REPL;ay's compose file). */
    pgadmin: adminUiSchema("pgadmin"),
    /** Redis Commander for Redis (REPL;ay; ESAB used RedisInsight, which has no login of its own). */
    redisCommander: adminUiSchema("redisCommander"),
    /** mongo-express for MongoDB. */
    mongoExpress: adminUiSchema("mongoExpress"),
  })
  .default({
    enabled: false,
    pgadmin: { enabled: true, ...pick("pgadmin") },
    redisCommander: { enabled: true, ...pick("redisCommander") },
    mongoExpress: { enabled: true, ...pick("mongoExpress") },
  });
export type AdminUisConfig = z.output<typeof adminUisSchema>;

function pick(tool: AdminUiTool) {
  const { port, memoryMb, image } = ADMIN_UI_DEFAULTS[tool];
  return { port, memoryMb, image };
}

/** `polystore:docker`: settings of the local Docker target. */
export const dockerSchema = z.strictObject({
  /** Docker daemon address; default: the local daemon (`DOCKER_HOST` or the Unix socket). */
  host: dockerHost.optional(),
  /** Address host ports are published on. Default `127.0.0.1` (loopback only). */
  bindAddress: ipAddress.default("127.0.0.1"),
  /**
   * Total memory all containers may ask for, in MB. Default 4096 (4 GiB): the six stores' defaults
   * (4096 MB, measured by the load suite and within each engine's documented headroom).
   */
  memoryBudgetMb: z.number().int().min(256).default(4096),
  /** Keep the named data volumes when the stack is destroyed (they are never dropped by `pulumi up`). Default true. */
  keepVolumesOnDestroy: z.boolean().default(true),
  /** Seconds to wait for a container to become healthy. Default 180. */
  healthTimeoutSeconds: z.number().int().min(10).default(180),
  /** Opt-in admin UIs (pgAdmin, Redis Commander, mongo-express). Default off. */
  adminUis: adminUisSchema,
});
export type DockerConfig = z.output<typeof dockerSchema>;
