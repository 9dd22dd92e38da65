import * as pulumi from "@pulumi/pulumi";
import type { ClickhouseConfig } from "../../../stacks/config/stores";
import { StoreComponent } from "../component";
import type { StoreArgs } from "../store";
import { clickhouseSpec } from "./spec";

export { clickhouseSpec } from "./spec";

/** Clickhouse store (type `polystore:clickhouse:ClickhouseStore`). See `StoreArgs` for arguments and defaults. */
export class ClickhouseStore extends StoreComponent<ClickhouseConfig> {
  constructor(name: string, args: StoreArgs<ClickhouseConfig>, opts?: pulumi.ComponentResourceOptions) {
    super("polystore:clickhouse:ClickhouseStore", "clickhouse", name, args, clickhouseSpec, opts);
  }
}
