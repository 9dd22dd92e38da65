import { z } from "zod";
import { pinnedImage } from "../core/formats";
import { TARGETS } from "../core/types";

/**
 * Config pieces every store's schema (`polystore:stores.<store>`) is made of. Each store adds its
 * own keys in `components/stores/<store>/schema.ts`; `stacks/config` adds each target's per-store
 * block (`external`, `kubernetes`, `aws`) from `components/targets/<target>/schema.ts`.
 */

/** Names that become SQL/role/user identifiers: lower-case, start with a letter. */
export const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, "expected a lower-case identifier (letters, digits, _; starting with a letter; at most 63 characters)");

/** A TCP port. */
export const port = z.number().int().min(1).max(65535);

/** Keys every store accepts; `image` names the store's own pinned image as its example. */
export function commonStoreKeys(image: string) {
  return {
    /** Whether the store is provisioned. Default true for a store listed under `stores`. */
    enabled: z.boolean().default(true),
    /** Where this store runs; default `polystore:target`. */
    target: z.enum(TARGETS).optional(),
    /** Image override (Docker and Kubernetes), pinned. Default: the store's pinned image. */
    image: pinnedImage(image).optional(),
    /** Container memory limit in MB (Docker and Kubernetes). Default: the store's `memoryMb`. */
    memoryMb: z.number().int().min(64).optional(),
    /** Folder of this store's init scripts. Default `init-scripts/<store>`. */
    initScripts: z.string().min(1).optional(),
  };
}

/** The settings every store has, whatever else it adds. */
export interface BaseStoreSettings {
  enabled: boolean;
  target?: (typeof TARGETS)[number];
  image?: string;
  memoryMb?: number;
  initScripts?: string;
}
