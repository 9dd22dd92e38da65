import * as pulumi from "@pulumi/pulumi";
import type { PolystoreConfig } from "../../stacks/config/schema";
import { appEnv, URL_VAR } from "./env";
import { createIdentity } from "../core/identity";
import { databaseName, identityOptions, userNames, type StoreSettings } from "./settings";
import type { SpecSecrets, StoreSpec } from "../core/spec";
import type { RenderedStore, SharedInfra, TargetRenderer } from "../targets/target";
import type { Credentials, StoreConnection, StoreKind, Target } from "../core/types";

/** Runs a store's init scripts once it is ready (see components/init). */
export type InitHook = (
  name: string,
  args: {
    kind: StoreKind;
    connection: pulumi.Output<StoreConnection>;
    scriptsDir: string;
    ready: pulumi.Resource[];
    waitTimeoutSeconds: number;
  },
  parent: pulumi.Resource,
) => pulumi.Resource | undefined;

/** Arguments every store component takes. */
export interface StoreArgs<S extends StoreSettings = StoreSettings> {
  /** The store's validated settings (`polystore:stores.<store>`). */
  settings: S;
  /** Where it runs. */
  target: Target;
  /** The whole validated stack configuration. */
  config: PolystoreConfig;
  /** Stack name. */
  stack: string;
  /** Tags for everything that takes tags. */
  tags: Record<string, string>;
  /** Renders the store onto its target. */
  render: TargetRenderer;
  /** Stack-wide resources the target shares between stores. */
  shared: SharedInfra;
  /** Runs init scripts; default: none. */
  init?: InitHook;
}

/** What every store component exposes. */
export interface StoreOutputs {
  host: pulumi.Output<string>;
  port: pulumi.Output<number>;
  database: pulumi.Output<string>;
  /** Administrative credentials (secret). */
  adminCredentials: pulumi.Output<Credentials>;
  /** Application credentials (secret). */
  appCredentials: pulumi.Output<Credentials>;
  /** Admin + app connection, for the init runner and `npm run migrate` (secret). */
  connection: pulumi.Output<StoreConnection>;
  /** Application environment variables (secret). */
  env: pulumi.Output<Record<string, string>>;
  /** The application connection URL (secret). */
  connectionUrl: pulumi.Output<string>;
  /** The init-scripts resource, if init runs from Pulumi. */
  init?: pulumi.Resource;
}

/**
 * The work of every store component: identities, the spec, the target's
 * resources, the connection (secret), init scripts once the store is ready,
 * and the application's environment variables.
 */
export function createStore(
  kind: StoreKind,
  name: string,
  args: StoreArgs,
  buildSpec: (settings: StoreSettings, secrets: SpecSecrets) => StoreSpec,
  parent: pulumi.Resource,
): StoreOutputs {
  const { settings } = args;
  const users = userNames(kind, settings);
  const ext = settings.external;
  const identity = createIdentity(
    name,
    {
      adminUser: ext?.adminUser ?? users.admin,
      adminPassword: ext ? pulumi.secret(ext.adminPassword) : undefined,
      appUser: ext?.appUser ?? users.app,
      appPassword: ext?.appPassword ? pulumi.secret(ext.appPassword) : undefined,
    },
    parent,
  );
  const spec = buildSpec(settings, {
    adminPassword: identity.admin.apply((c) => c.password),
    appPassword: identity.app.apply((c) => c.password),
  });
  const rendered: RenderedStore = args.render({
    name,
    kind,
    spec,
    settings,
    config: args.config,
    stack: args.stack,
    identity,
    tags: args.tags,
    shared: args.shared,
    parent,
  });
  const admin = rendered.admin ?? identity.admin;
  const database = databaseName(kind, settings);
  const options: Record<string, string> = { ...(rendered.options ?? {}) };
  Object.assign(options, identityOptions(kind, settings));
  if (kind === "redis") {
    // What the init runner's CONFIG GET check compares against.
    const r = settings as { maxmemoryMb: number; maxmemoryPolicy: string; appendonly: boolean; appendfsync: string };
    Object.assign(options, {
      maxmemoryMb: String(r.maxmemoryMb),
      maxmemoryPolicy: r.maxmemoryPolicy,
      appendonly: r.appendonly ? "yes" : "no",
      appendfsync: r.appendfsync,
      ...options,
    });
  }
  if (ext?.appPassword) options.manageAppUser = "false";

  const connection = pulumi.secret(
    pulumi.all([rendered.host, rendered.port, admin, identity.app]).apply(
      ([host, port, a, app]): StoreConnection => ({ kind, host, port, tls: rendered.tls, database, admin: a, app, options }),
    ),
  );
  const env = pulumi.secret(connection.apply(appEnv));
  const scriptsDir = settings.initScripts ?? `${args.config.initScripts.dir}/${kind}`;
  const init =
    args.config.initScripts.enabled && (rendered.init ?? "local") === "local" && args.init
      ? args.init(
          `${name}-init`,
          { kind, connection, scriptsDir, ready: rendered.ready, waitTimeoutSeconds: args.config.initScripts.timeoutSeconds },
          parent,
        )
      : undefined;

  return {
    host: pulumi.output(rendered.host),
    port: pulumi.output(rendered.port),
    database: pulumi.output(database),
    adminCredentials: admin,
    appCredentials: identity.app,
    connection,
    env,
    connectionUrl: pulumi.secret(env.apply((v) => v[URL_VAR[kind]])),
    init,
  };
}
