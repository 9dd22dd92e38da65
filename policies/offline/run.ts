/**
 * Runs the pack's policy objects over a Snapshot with arguments shaped like
 * the real analyzer's (@pulumi/policy server.js): every resource policy on
 * every resource's inputs (`validateResource`), every stack policy once over
 * all resources' outputs (`validateStack`), honouring enforcement levels,
 * `getConfig`, `notApplicable`, and validateResourceOfType's type filter.
 */
import type {
  EnforcementLevel,
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { EffectiveConfig } from "./config";
import type { Snapshot, SnapshotResource } from "./snapshot";

export type Policy = ResourceValidationPolicy | StackValidationPolicy;

/** One reported violation. */
export interface Violation {
  policy: string;
  /** `mandatory` or `advisory` (remediate counts as mandatory, as in the engine). */
  level: "mandatory" | "advisory";
  /** URN of the resource, when the violation names one. */
  urn?: string;
  /** `type name` of that resource, or `stack`. */
  resource: string;
  message: string;
}

class NotApplicable extends Error {
  constructor(reason?: string) {
    super(reason ?? "not applicable");
    this.name = "NotApplicable";
  }
}

const throwNotApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

/** `isType` of the analyzer: compare with the class's `__pulumiType`, else its `isInstance`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function isTypeOf(type: string, cls: any): boolean {
  const t = cls?.__pulumiType;
  if (typeof t === "string" && t.length > 0) return type === t;
  return typeof cls?.isInstance === "function" && cls.isInstance({ __pulumiType: type }) === true;
}

function options(r: SnapshotResource): PolicyResourceOptions {
  return { ...r.opts, ignoreChanges: [...r.opts.ignoreChanges], aliases: [...r.opts.aliases], additionalSecretOutputs: [...r.opts.additionalSecretOutputs] };
}

function provider(r: SnapshotResource, snap: Snapshot): ResourceValidationArgs["provider"] {
  if (!r.provider) return undefined;
  const urn = r.provider.split("::").slice(0, -1).join("::");
  const p = snap.resources.find((x) => x.urn === urn);
  return p ? { type: p.type, props: p.inputs, urn: p.urn, name: p.name } : undefined;
}

/** The analyzer's `validateResource` arguments for one resource (plus the offline-only `secretPaths`). */
export function resourceArgs(r: SnapshotResource, snap: Snapshot, config: Record<string, unknown>): ResourceValidationArgs & { secretPaths: string[] } {
  const props = structuredClone(r.inputs);
  return {
    type: r.type,
    props,
    urn: r.urn,
    name: r.name,
    opts: options(r),
    provider: provider(r, snap),
    stackTags: new Map(),
    isType: (cls) => isTypeOf(r.type, cls),
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    asType: ((cls: any) => (isTypeOf(r.type, cls) ? props : undefined)) as ResourceValidationArgs["asType"],
    getConfig: <T extends object>() => structuredClone(config) as T,
    notApplicable: throwNotApplicable,
    secretPaths: [...r.inputSecrets],
  };
}

/** The analyzer's `resources` list for `validateStack` (outputs, parents and dependencies linked; plus `secretPaths`). */
export function stackResources(snap: Snapshot): Array<PolicyResource & { secretPaths: string[] }> {
  const list = snap.resources.map((r) => {
    const props = structuredClone(r.outputs);
    const res: PolicyResource & { secretPaths: string[] } = {
      type: r.type,
      props,
      urn: r.urn,
      name: r.name,
      opts: options(r),
      provider: provider(r, snap),
      dependencies: [],
      propertyDependencies: {},
      isType: (cls) => isTypeOf(r.type, cls),
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      asType: ((cls: any) => (isTypeOf(r.type, cls) ? props : undefined)) as PolicyResource["asType"],
      secretPaths: [...r.outputSecrets],
    };
    return res;
  });
  const byUrn = new Map(list.map((r) => [r.urn, r]));
  snap.resources.forEach((r, i) => {
    const res = list[i];
    if (r.parent && byUrn.has(r.parent)) res.parent = byUrn.get(r.parent);
    res.dependencies = r.dependencies.map((u) => byUrn.get(u)).filter((x): x is NonNullable<typeof x> => x !== undefined);
    for (const [k, urns] of Object.entries(r.propertyDependencies)) {
      res.propertyDependencies[k] = urns.map((u) => byUrn.get(u)).filter((x): x is NonNullable<typeof x> => x !== undefined);
    }
  });
  return list;
}

function isResourcePolicy(p: Policy): p is ResourceValidationPolicy {
  return "validateResource" in p && p.validateResource !== undefined;
}

function levelOf(p: Policy, config: Map<string, EffectiveConfig>): EnforcementLevel {
  return config.get(p.name)?.enforcementLevel ?? p.enforcementLevel ?? "advisory";
}

function describe(urn: string | undefined, snap: Snapshot): string {
  if (!urn) return "stack";
  const r = snap.resources.find((x) => x.urn === urn);
  return r ? `${r.type.split(":").pop()} ${r.name}` : urn;
}

/** Runs every enabled policy over the snapshot. A policy that throws is reported as a mandatory violation naming the error. */
export async function runPolicies(snap: Snapshot, policies: Policy[], config: Map<string, EffectiveConfig>): Promise<Violation[]> {
  const out: Violation[] = [];
  for (const p of policies) {
    const configured = levelOf(p, config);
    if (configured === "disabled") continue;
    const level = configured === "advisory" ? "advisory" : "mandatory";
    const props = config.get(p.name)?.properties ?? {};
    const reporter = (fallbackUrn?: string): ReportViolation => (message, urn) => {
      const u = urn ?? fallbackUrn;
      out.push({ policy: p.name, level, urn: u, resource: describe(u, snap), message });
    };
    const guard = async (urn: string | undefined, run: () => void | Promise<void>) => {
      try {
        await run();
      } catch (e) {
        if (e instanceof NotApplicable) return;
        out.push({ policy: p.name, level: "mandatory", urn, resource: describe(urn, snap), message: `policy failed: ${(e as Error)?.message ?? e}` });
      }
    };
    if (isResourcePolicy(p)) {
      const validations = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource!];
      for (const r of snap.resources) {
        if (r.type === "pulumi:pulumi:Stack") continue;
        for (const validate of validations) {
          // validateResourceOfType tags its function with the type it applies to (the analyzer's fast path).
          const only = (validate as { __pulumiType?: string }).__pulumiType;
          if (only && only !== r.type) continue;
          await guard(r.urn, () => validate(resourceArgs(r, snap, props), reporter(r.urn)));
        }
      }
    } else {
      const args: StackValidationArgs = {
        resources: stackResources(snap),
        stackTags: new Map(),
        getConfig: <T extends object>() => structuredClone(props) as T,
        notApplicable: throwNotApplicable,
      };
      await guard(undefined, () => (p as StackValidationPolicy).validateStack(args, reporter()));
    }
  }
  return out;
}
