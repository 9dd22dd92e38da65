import * as pulumi from "@pulumi/pulumi";

/** A resource the mocks saw registered. */
export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** URNs of the resources it depends on (`dependsOn` and inputs' resources), as sent to the engine. */
  dependencies?: string[];
}

/**
 * Installs Pulumi mocks that echo inputs as outputs (plus the few computed
 * outputs programs read) and records every registered resource.
 */
export function installMocks(stack = "dev", project = "polystore"): Registered[] {
  const registered: Registered[] = [];
  const dependencies = new Map<string, string[]>();
  pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === "random:index/randomPassword:RandomPassword") state.result = `mock-${args.name}-pw`;
        if (args.type === "docker:index/remoteImage:RemoteImage") state.imageId = `sha256:${args.name}`;
        if (args.type.startsWith("aws:")) state.arn = `arn:aws:mock:::${args.name}`;
        Object.assign(state, computedOutputs(args.type, args.name, state));
        registered.push({ type: args.type, name: args.name, inputs: args.inputs, dependencies: dependencies.get(`${args.type}::${args.name}`) });
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
  // Record each registration's dependencies (the mocks' newResource does not receive them).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const monitor = require("@pulumi/pulumi/runtime/settings").getMonitor() as {
    registerResource: (req: { getType(): string; getName(): string; getDependenciesList(): string[] }, cb: unknown) => unknown;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    dependencies.set(`${req.getType()}::${req.getName()}`, req.getDependenciesList());
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
