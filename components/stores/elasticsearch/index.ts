import * as pulumi from "@pulumi/pulumi";
import type { ElasticsearchConfig } from "../../../stacks/config/stores";
import { StoreComponent } from "../component";
import type { StoreArgs } from "../store";
import { elasticsearchSpec } from "./spec";

export { elasticsearchSpec } from "./spec";

/** Elasticsearch store (type `polystore:elasticsearch:ElasticsearchStore`). See `StoreArgs` for arguments and defaults. */
export class ElasticsearchStore extends StoreComponent<ElasticsearchConfig> {
  constructor(name: string, args: StoreArgs<ElasticsearchConfig>, opts?: pulumi.ComponentResourceOptions) {
    super("polystore:elasticsearch:ElasticsearchStore", "elasticsearch", name, args, elasticsearchSpec, opts);
  }
}
