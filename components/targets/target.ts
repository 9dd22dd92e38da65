import * as pulumi from "@pulumi/pulumi";
import type { PolystoreConfig } from "../../stacks/config/schema";
import type { StoreSettings } from "../stores/settings";
import type { StoreSpec } from "../core/spec";
import type { Credentials, StoreKind, Target } from "../core/types";

/** Generated or configured identities of one store. */
export interface StoreIdentity {
  /** Administrative identity (stays in Pulumi). */
  admin: pulumi.Output<Credentials>;
  /** Least-privilege application identity. */
  app: pulumi.Output<Credentials>;
}

/** Stack-wide resources a target shares between stores (a Docker network, a namespace, a subnet group...). */
export interface SharedInfra {
  /** Filled lazily by each target's `shared` function, keyed by target. */
  [target: string]: unknown;
}

/** What a target renderer receives for one store. */
export interface RenderContext {
  /** Logical name of the store in the stack, e.g. `postgres`. */
  name: string;
  kind: StoreKind;
  /** The store described once, as data. */
  spec: StoreSpec;
  /** The store's validated settings. */
  settings: StoreSettings;
  /** The whole validated stack configuration. */
  config: PolystoreConfig;
  /** Stack name. */
  stack: string;
  identity: StoreIdentity;
  /** Tags for everything that takes tags. */
  tags: Record<string, string>;
  /** Stack-wide resources of this target. */
  shared: SharedInfra;
  parent: pulumi.Resource;
}

/** What a target returns for one store. */
export interface RenderedStore {
  /** Address the runner and applications connect to. */
  host: pulumi.Input<string>;
  /** Client port. */
  port: pulumi.Input<number>;
  /** Whether clients must use TLS. */
  tls: boolean;
  /** Resources that must be ready (healthy) before init scripts run. */
  ready: pulumi.Resource[];
  /** Overrides of the administrative identity (a managed service's master user). */
  admin?: pulumi.Output<Credentials>;
  /** Extra connection options (see StoreConnection.options). */
  options?: Record<string, string>;
  /**
   * How init scripts run: `local` (default) from the machine running Pulumi,
   * `target` when the target ran them itself (e.g. a Kubernetes Job), `none`
   * when `pulumi up` must not run them (e.g. `polystore:aws.initScripts: none`:
   * stores unreachable from the machine running Pulumi; `npm run migrate` is
   * run from inside the network instead).
   */
  init?: "local" | "target" | "none";
}

/** Renders one store onto one target. */
export type TargetRenderer = (ctx: RenderContext) => RenderedStore;

/** A target: its renderer and, optionally, what it shares between stores. */
export interface TargetModule {
  target: Target;
  render: TargetRenderer;
}
