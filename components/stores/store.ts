import * as pulumi from "@pulumi/pulumi";
import { createIdentity } from "../core/identity";
import type { Credentials, StoreConnection, StoreKind } from "../core/types";
import type { RenderedStore, StoreTarget } from "../core/target";
import type { ManagedFact, ManagedFactInput } from "../core/managed";
import { appEnv, storeModule, type StoreSettingsByKind } from "./index";

/** Runs a store's init scripts from the machine running Pulumi once it is ready (components/init). */
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

/** An endpoint that already exists: its identities come from config, not generated. */
export interface ExistingIdentities {
  adminUser: string;
  /** Secret. */
  adminPassword: string;
  /** Default: the store's own application user, created by the runner. */
  appUser?: string;
  /** Secret; set when the application user is managed outside polystore. */
  appPassword?: string;
}

/** Arguments every store component takes. */
export interface StoreArgs<K extends StoreKind> {
  /** The store's validated settings (`polystore:stores.<store>`). */
  settings: StoreSettingsByKind[K];
  /** Where it runs, bound to that target's typed settings (components/targets). */
  target: StoreTarget;
  /** Stack name. */
  stack: string;
  /** Tags for everything that takes tags. */
  tags: Record<string, string>;
  /** Identities of an existing endpoint (target external); default: generated. */
  existing?: ExistingIdentities;
  /** Init scripts: whether `pulumi up` applies them, from where, and how long the runner waits. */
  init: {
    enabled: boolean;
    /** Folder relative to the project root. */
    scriptsDir: string;
    /** The config key that sets it (named in errors). */
    scriptsKey: string;
    timeoutSeconds: number;
    /** Runs them from the machine running Pulumi; default: none (unit tests). */
    hook?: InitHook;
  };
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
  /** The init-scripts resource (a local run or the target's own, e.g. a Kubernetes Job). */
  init?: pulumi.Resource;
  /** The managed service's resource the backup CLI snapshots (target aws; not secret). */
  managed?: pulumi.Output<ManagedFact>;
}

/** A renderer's managed fact resolved into one output (undefined when the target manages nothing). */
export function managedFact(m: ManagedFactInput | undefined): pulumi.Output<ManagedFact> | undefined {
  if (!m) return undefined;
  const repo = m.snapshotRepository;
  return pulumi
    .all([m.id, m.region, m.arn, repo?.bucket ?? "", repo?.roleArn ?? ""])
    .apply(([id, region, arn, bucket, roleArn]): ManagedFact => ({
      service: m.service,
      id,
      region,
      arn,
      ...(repo ? { snapshotRepository: { name: repo.name, bucket, roleArn } } : {}),
    }));
}

/**
 * The store's connection, built once: address from the target, identities, database, and the
 * store's options and server settings from its module. The init resource, the Kubernetes init
 * Job, the secrets and the stack outputs all get this one value.
 */
export function storeConnection<K extends StoreKind>(
  kind: K,
  settings: StoreSettingsByKind[K],
  rendered: RenderedStore,
  admin: pulumi.Output<Credentials>,
  app: pulumi.Output<Credentials>,
  existing?: ExistingIdentities,
): pulumi.Output<StoreConnection> {
  const mod = storeModule(kind);
  const options: Record<string, string> = { ...(rendered.options ?? {}), ...mod.options(settings) };
  if (existing?.appPassword) options.manageAppUser = "false";
  const server = mod.server?.(settings);
  const database = mod.database(settings);
  return pulumi.secret(
    pulumi.all([rendered.host, rendered.port, admin, app]).apply(
      ([host, port, a, p]): StoreConnection => ({ kind, host, port, tls: rendered.tls, database, admin: a, app: p, ...(server ? { server } : {}), options }),
    ),
  );
}

/**
 * The work of every store component: identities, the spec, the target's resources, the
 * connection (secret, built once), init scripts once the store is ready, and the application's
 * environment variables.
 */
export function createStore<K extends StoreKind>(kind: K, name: string, args: StoreArgs<K>, parent: pulumi.Resource): StoreOutputs {
  const { settings, existing } = args;
  const mod = storeModule(kind);
  const users = mod.users(settings);
  const identity = createIdentity(
    name,
    {
      adminUser: existing?.adminUser ?? users.admin,
      adminPassword: existing ? pulumi.secret(existing.adminPassword) : undefined,
      appUser: existing?.appUser ?? users.app,
      appPassword: existing?.appPassword ? pulumi.secret(existing.appPassword) : undefined,
    },
    parent,
  );
  const spec = mod.spec(settings, {
    adminPassword: identity.admin.apply((c) => c.password),
    appPassword: identity.app.apply((c) => c.password),
  });
  const input = { name, kind, spec, stack: args.stack, identity, tags: args.tags, parent };
  const rendered = args.target.render(input);
  const admin = rendered.admin ?? identity.admin;
  const connection = storeConnection(kind, settings, rendered, admin, identity.app, existing);
  const env = pulumi.secret(connection.apply(appEnv));

  const how = rendered.init ?? "local";
  const scripts = { dir: args.init.scriptsDir, key: args.init.scriptsKey, timeoutSeconds: args.init.timeoutSeconds };
  const init = !args.init.enabled
    ? undefined
    : how === "target"
      ? args.target.runInit?.(input, connection, scripts, rendered.ready)
      : how === "local" && args.init.hook
        ? args.init.hook(`${name}-init`, { kind, connection, scriptsDir: scripts.dir, ready: rendered.ready, waitTimeoutSeconds: scripts.timeoutSeconds }, parent)
        : undefined;

  return {
    host: pulumi.output(rendered.host),
    port: pulumi.output(rendered.port),
    database: pulumi.output(mod.database(settings)),
    adminCredentials: admin,
    appCredentials: identity.app,
    connection,
    env,
    connectionUrl: pulumi.secret(env.apply((v) => v[mod.urlVar]!)),
    init,
    managed: managedFact(rendered.managed),
  };
}
