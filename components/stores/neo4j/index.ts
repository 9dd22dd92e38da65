import * as pulumi from "@pulumi/pulumi";
import type { Neo4jConfig } from "../../../stacks/config/stores";
import { StoreComponent } from "../component";
import type { StoreArgs } from "../store";
import { neo4jSpec } from "./spec";

export { neo4jSpec } from "./spec";

/** Neo4j store (type `polystore:neo4j:Neo4jStore`). See `StoreArgs` for arguments and defaults. */
export class Neo4jStore extends StoreComponent<Neo4jConfig> {
  constructor(name: string, args: StoreArgs<Neo4jConfig>, opts?: pulumi.ComponentResourceOptions) {
    super("polystore:neo4j:Neo4jStore", "neo4j", name, args, neo4jSpec, opts);
  }
}
