import * as pulumi from "@pulumi/pulumi";
import type { RedisConfig } from "../../../stacks/config/stores";
import { StoreComponent } from "../component";
import type { StoreArgs } from "../store";
import { redisSpec } from "./spec";

export { redisSpec, redisServerSettings } from "./spec";
export * from "./settings";

/** Redis store (type `polystore:redis:RedisStore`). See `StoreArgs` for arguments and defaults. */
export class RedisStore extends StoreComponent<RedisConfig> {
  constructor(name: string, args: StoreArgs<RedisConfig>, opts?: pulumi.ComponentResourceOptions) {
    super("polystore:redis:RedisStore", "redis", name, args, redisSpec, opts);
  }
}
