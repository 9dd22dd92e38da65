import * as pulumi from "@pulumi/pulumi";
import type { PostgresConfig } from "../../../stacks/config/stores";
import { StoreComponent } from "../component";
import type { StoreArgs } from "../store";
import { postgresSpec } from "./spec";

export { postgresSpec } from "./spec";

/** Postgres store (type `polystore:postgres:PostgresStore`). See `StoreArgs` for arguments and defaults. */
export class PostgresStore extends StoreComponent<PostgresConfig> {
  constructor(name: string, args: StoreArgs<PostgresConfig>, opts?: pulumi.ComponentResourceOptions) {
    super("polystore:postgres:PostgresStore", "postgres", name, args, postgresSpec, opts);
  }
}
