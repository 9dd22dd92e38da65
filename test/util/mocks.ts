import * as pulumi from "@pulumi/pulumi";

/** A resource the mocks saw registered. */
export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** URNs of the resources it depends on (`dependsOn` and inputs' resources), as sent to the engine. */
  dependencies?: string[];
  /** The resource options the program sent to the engine with this registration. */
  options: RegisteredOptions;
}

/**
 * Resource options as the engine receives them (Pulumi's mocks do not pass them to
 * `newResource`, so they are read from the registration request itself).
 */
export interface RegisteredOptions {
  protect: boolean;
  retainOnDelete: boolean;
  deleteBeforeReplace: boolean;
  /** URN of the parent ("" for the stack itself). */
  parent: string;
  /** Provider reference ("urn::id"), "" for the default provider. */
  provider: string;
  /** Aliases as sent (URN strings or alias specs). */
  aliases: unknown[];
  ignoreChanges: string[];
  replaceOnChanges: string[];
  additionalSecretOutputs: string[];
}

/** The parts of a RegisterResourceRequest read here. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getDependenciesList(): string[];
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getDeletebeforereplace(): boolean;
  getParent(): string;
  getProvider(): string;
  getAliasesList(): Array<{ toObject(): unknown }>;
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
}

function optionsOf(req: RegisterRequest): RegisteredOptions {
  return {
    protect: req.getProtect(),
    retainOnDelete: req.getRetainondelete(),
    deleteBeforeReplace: req.getDeletebeforereplace(),
    parent: req.getParent(),
    provider: req.getProvider(),
    aliases: req.getAliasesList().map((a) => a.toObject()),
    ignoreChanges: req.getIgnorechangesList(),
    replaceOnChanges: req.getReplaceonchangesList(),
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
  };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as {
  getMonitor(): { registerResource: (req: RegisterRequest, cb: unknown) => unknown };
  waitForRPCs(): Promise<void>;
};

/**
 * Resolves when every registration the program started has reached the mocks (Pulumi's
 * own RPC queue has drained), instead of sleeping and hoping.
 */
export function settled(): Promise<void> {
  return settings.waitForRPCs();
}

/**
 * Installs Pulumi mocks that echo inputs as outputs (plus the few computed
 * outputs programs read) and records every registered resource.
 */
export function installMocks(stack = "dev", project = "polystore"): Registered[] {
  const registered: Registered[] = [];
  // The request being registered: the mock monitor calls newResource synchronously from
  // registerResource, so the wrapper below sets it just before and newResource reads it.
  let request: RegisterRequest | undefined;
  pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === "random:index/randomPassword:RandomPassword") state.result = `mock-${args.name}-pw`;
        if (args.type === "docker:index/remoteImage:RemoteImage") state.imageId = `sha256:${args.name}`;
        if (args.type.startsWith("aws:")) state.arn = `arn:aws:mock:::${args.name}`;
        Object.assign(state, computedOutputs(args.type, args.name, state));
        const req = request;
        request = undefined;
        if (!req || req.getType() !== args.type || req.getName() !== args.name) {
          throw new Error(`mocks: no registration request seen for ${args.type} ${args.name}`);
        }
        registered.push({ type: args.type, name: args.name, inputs: args.inputs, dependencies: req.getDependenciesList(), options: optionsOf(req) });
        return { id: `${args.name}-id`, state };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        return args.inputs;
      },
    },
    project,
    stack,
    false,
  );
  // Record each registration's dependencies and options (the mocks' newResource receives neither).
  const monitor = settings.getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    request = req;
    return register(req, cb);
  };
  return registered;
}

/**
 * The computed outputs programs read from cloud and cluster resources
 * (endpoints, names the provider would generate), derived from the logical
 * name so tests can assert on them.
 */
function computedOutputs(type: string, name: string, state: Record<string, unknown>): Record<string, unknown> {
  const host = `${name}.mock.internal`;
  switch (type) {
    case "aws:rds/instance:Instance":
      return { address: host, endpoint: `${host}:${state.port ?? 5432}`, port: state.port ?? 5432 };
    case "aws:elasticache/replicationGroup:ReplicationGroup":
      return { primaryEndpointAddress: `master.${host}`, readerEndpointAddress: `replica.${host}`, port: state.port ?? 6379 };
    case "aws:memorydb/cluster:Cluster":
      return { clusterEndpoints: [{ address: `clustercfg.${host}`, port: state.port ?? 6379 }], name: state.name ?? name };
    case "aws:docdb/cluster:Cluster":
      return { endpoint: host, readerEndpoint: `ro.${host}`, port: state.port ?? 27017 };
    case "aws:opensearch/domain:Domain":
      return { endpoint: `vpc-${state.domainName ?? name}.mock.es.amazonaws.com`, domainName: state.domainName ?? name };
  }
  // Names the providers would generate when none is given (parameter groups, ACLs, subnet groups...).
  if (type.startsWith("aws:") && state.name === undefined) return { name: `${name}-mock` };
  if (type.startsWith("kubernetes:")) {
    const metadata = (state.metadata ?? {}) as Record<string, unknown>;
    if (metadata.name === undefined) return { metadata: { ...metadata, name: `${name}-mock` } };
  }
  return {};
}

/** Pulumi's marker of a secret value inside mocked resource inputs. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";

/** Whether a mocked resource input is (or contains) a Pulumi secret. */
export function isSecretInput(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if ((value as Record<string, unknown>)[SECRET_SIG_KEY] !== undefined) return true;
  return Object.values(value as Record<string, unknown>).some(isSecretInput);
}

/** A mocked resource input with every secret wrapper replaced by its value. */
export function plainInput<T = unknown>(value: unknown): T {
  if (value === null || typeof value !== "object") return value as T;
  if (Array.isArray(value)) return value.map((v) => plainInput(v)) as T;
  const o = value as Record<string, unknown>;
  if (o[SECRET_SIG_KEY] !== undefined) return plainInput(o.value);
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, plainInput(v)])) as T;
}

/** Config as Pulumi passes it to a program (`polystore:key` → string/JSON). */
export function configFromYaml(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) out[k] = typeof v === "string" ? v : JSON.stringify(v);
  return out;
}
