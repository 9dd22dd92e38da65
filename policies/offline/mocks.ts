/**
 * Pulumi mocks for evaluating a stack program offline (the policy check) and for the unit
 * tests (test/util/mocks.ts builds on this file): resources echo their inputs as outputs,
 * plus the few computed outputs programs read (endpoints, generated names), and calls echo
 * their arguments. Installed with the public `pulumi.runtime.setMocks`.
 */
import * as pulumi from "@pulumi/pulumi";

/** The parts of a RegisterResourceRequest (Pulumi's resource-monitor protocol) read by observers. */
export interface RegisterRequest {
  getType(): string;
  getName(): string;
  getCustom(): boolean;
  getParent(): string;
  getProvider(): string;
  getDependenciesList(): string[];
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getDeletebeforereplace(): boolean;
  getDeletebeforereplacedefined(): boolean;
  getAliasesList(): Array<{ toObject(): unknown }>;
  getAliasurnsList(): string[];
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getPropertydependenciesMap(): { forEach(f: (v: { getUrnsList(): string[] }, k: string) => void): void };
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

/** The parts of a RegisterResourceResponse read by observers. */
export interface RegisterResponse {
  getUrn(): string;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

/** The parts of a RegisterResourceOutputsRequest read by observers. */
export interface RegisterOutputsRequest {
  getUrn(): string;
  getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined;
}

/** What an observer of the mocked engine is told, in order, for every registration. */
export interface RegistrationObserver {
  /** A resource registration as the program sends it, before the mocks answer. */
  request?(req: RegisterRequest): void;
  /** The mocks' `newResource` for that registration: its arguments (deserialised inputs) with the request. */
  resource?(args: pulumi.runtime.MockResourceArgs, req: RegisterRequest): void;
  /** The mocks' answer to that registration (or its error). */
  response?(req: RegisterRequest, err: unknown, resp: RegisterResponse | undefined): void;
  /** A component's `registerOutputs`. */
  outputs?(req: RegisterOutputsRequest): void;
}

/**
 * Installs mocks that echo inputs as outputs (plus {@link computedOutputs}) for `stack` of
 * `project`; `observer` sees every registration with its resource options and dependencies.
 */
export function installEchoMocks(stack: string, project: string, observer?: RegistrationObserver): void {
  // The request being registered: the mock monitor calls newResource synchronously from
  // registerResource, so the wrapper in observeRegistrations sets it just before and newResource reads it.
  let request: RegisterRequest | undefined;
  void pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        if (observer?.resource) {
          const req = request;
          request = undefined;
          if (!req || req.getType() !== args.type || req.getName() !== args.name) {
            throw new Error(`mocks: no registration request seen for ${args.type} ${args.name}`);
          }
          observer.resource(args, req);
        }
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === "random:index/randomPassword:RandomPassword") state.result = `mock-${args.name}-pw`;
        if (args.type === "docker:index/remoteImage:RemoteImage") state.imageId = `sha256:${args.name}`;
        if (args.type.startsWith("aws:")) state.arn = `arn:aws:mock:::${args.name}`;
        Object.assign(state, computedOutputs(args.type, args.name, state));
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
  if (observer) {
    observeRegistrations({
      ...observer,
      request(req) {
        request = req;
        observer.request?.(req);
      },
    });
  }
}

/**
 * Tells `observer` about every registration the mocked engine receives.
 *
 * Why this wraps the mock monitor instead of using a public hook: the policies check resource
 * options (protect, additionalSecretOutputs, ignoreChanges, custom timeouts), dependencies and
 * property dependencies, as the engine's analyzer sees them. The public `Mocks.newResource`
 * receives only type, name, inputs, provider and id; resource transforms, the public hook that
 * sees options, need engine support that the mocks turn off (`supportsTransforms = false`),
 * and legacy stack transformations need a stack resource and do not see resolved dependency
 * URNs. So the registration request itself is read: the monitor is obtained through the public
 * `pulumi.runtime.getMonitor()` (no SDK-internal module is imported) and its two registration
 * methods are wrapped, delegating every call unchanged. Reading only; checked against
 * @pulumi/pulumi 3.248 (test/unit/policies exercises it).
 */
function observeRegistrations(observer: RegistrationObserver): void {
  type Callback<R> = (err: unknown, resp: R | undefined) => void;
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: RegisterRequest, cb: Callback<RegisterResponse>): unknown;
    registerResourceOutputs(req: RegisterOutputsRequest, cb: Callback<unknown>): unknown;
  };
  if (!monitor) throw new Error("mocks: no resource monitor after setMocks");
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    observer.request?.(req);
    return register(req, (err, resp) => {
      observer.response?.(req, err, resp);
      cb(err, resp);
    });
  };
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    observer.outputs?.(req);
    return registerOutputs(req, cb);
  };
}

/** The region mocked AWS resources report when they set none (the provider's default). */
export const MOCK_AWS_REGION = "us-east-1";

/**
 * The computed outputs programs read from cloud and cluster resources
 * (endpoints, names the provider would generate), derived from the logical
 * name so tests can assert on them.
 */
export function computedOutputs(type: string, name: string, state: Record<string, unknown>): Record<string, unknown> {
  const host = `${name}.mock.internal`;
  // The provider's region when the resource sets none (every AWS resource reports its region).
  const region = state.region ?? MOCK_AWS_REGION;
  switch (type) {
    case "aws:rds/instance:Instance":
      return { address: host, endpoint: `${host}:${state.port ?? 5432}`, port: state.port ?? 5432, identifier: state.identifier ?? `${name}-mock`, region };
    case "aws:elasticache/replicationGroup:ReplicationGroup":
      return { primaryEndpointAddress: `master.${host}`, readerEndpointAddress: `replica.${host}`, port: state.port ?? 6379, replicationGroupId: state.replicationGroupId ?? `${name}-mock`, region };
    case "aws:memorydb/cluster:Cluster":
      return { clusterEndpoints: [{ address: `clustercfg.${host}`, port: state.port ?? 6379 }], name: state.name ?? name, region };
    case "aws:docdb/cluster:Cluster":
      return { endpoint: host, readerEndpoint: `ro.${host}`, port: state.port ?? 27017, clusterIdentifier: state.clusterIdentifier ?? `${name}-mock`, region };
    case "aws:opensearch/domain:Domain":
      return { endpoint: `vpc-${state.domainName ?? name}.mock.es.amazonaws.com`, domainName: state.domainName ?? name, region };
    case "aws:s3/bucket:Bucket":
      return { bucket: state.bucket ?? `${state.bucketPrefix ?? `${name}-`}mock`, region };
  }
  // Names the providers would generate when none is given (parameter groups, ACLs, subnet groups...).
  if (type.startsWith("aws:") && state.name === undefined) return { name: `${name}-mock` };
  if (type.startsWith("kubernetes:")) {
    const metadata = (state.metadata ?? {}) as Record<string, unknown>;
    if (metadata.name === undefined) return { metadata: { ...metadata, name: `${name}-mock` } };
  }
  return {};
}
