import * as pulumi from "@pulumi/pulumi";
import type { MongodbConfig } from "../../../stacks/config/stores";
import { StoreComponent } from "../component";
import type { StoreArgs } from "../store";
import { mongodbSpec } from "./spec";

export { mongodbSpec } from "./spec";

/** Mongodb store (type `polystore:mongodb:MongodbStore`). See `StoreArgs` for arguments and defaults. */
export class MongodbStore extends StoreComponent<MongodbConfig> {
  constructor(name: string, args: StoreArgs<MongodbConfig>, opts?: pulumi.ComponentResourceOptions) {
    super("polystore:mongodb:MongodbStore", "mongodb", name, args, mongodbSpec, opts);
  }
}
