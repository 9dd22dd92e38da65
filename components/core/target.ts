import type * as pulumi from "@pulumi/pulumi";
import type { StoreIdentity } from "./identity";
import type { StoreSpec } from "./spec";

export type { StoreIdentity } from "./identity";
import type { ManagedFactInput } from "./managed";
import type { Credentials, StoreConnection, StoreKind, Target } from "./types";

/**
 * What every target receives for one store: the store described once as data (its spec), its
 * identities and where it belongs. Target-specific settings are bound into the {@link StoreTarget}
 * itself, typed (components/targets/index.ts), never read from a catch-all context.
 */
export interface StoreRenderInput {
  /** Logical name of the store in the stack, e.g. `postgres`. */
  name: string;
  kind: StoreKind;
  /** The store as a container (Docker and Kubernetes render it; AWS maps the settings instead). */
  spec: StoreSpec;
  /** Stack name. */
  stack: string;
  identity: StoreIdentity;
  /** Tags for everything that takes tags. */
  tags: Record<string, string>;
  /** The store's component: every resource's parent. */
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
   * How init scripts run: `local` (default) from the machine running Pulumi, `target` when the
   * target runs them itself ({@link StoreTarget.runInit}, e.g. a Kubernetes Job), `none` when
   * `pulumi up` must not run them (`polystore:aws.initScripts: none`: `npm run migrate` is run
   * from inside the network instead).
   */
  init?: "local" | "target" | "none";
  /**
   * A managed service's own resource (RDS instance, DocumentDB cluster, ElastiCache replication
   * group, MemoryDB cluster, OpenSearch domain): what `npm run backup` snapshots through the cloud's
   * API. Not secret; exported in the stack output `stores`.
   */
  managed?: ManagedFactInput;
}

/** One store's init scripts, as the store component hands them to a target that runs them itself. */
export interface InitScriptsRef {
  /** The folder, relative to the project root. */
  dir: string;
  /** The config key that sets it (named in errors). */
  key: string;
  /** How long the runner waits for the store, seconds. */
  timeoutSeconds: number;
}

/** A target bound to its typed settings for one store. */
export interface StoreTarget {
  target: Target;
  /** Creates the store's resources. */
  render(input: StoreRenderInput): RenderedStore;
  /**
   * Runs the init scripts where the store is reachable (when `render` said `init: "target"`), with
   * the store's one connection (built once by createStore, the same the secrets and outputs get).
   */
  runInit?(
    input: StoreRenderInput,
    connection: pulumi.Output<StoreConnection>,
    scripts: InitScriptsRef,
    ready: pulumi.Resource[],
  ): pulumi.Resource | undefined;
}
