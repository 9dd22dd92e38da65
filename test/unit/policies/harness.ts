/**
 * Builds small stacks of resources by hand and runs pack policies on them
 * through the offline runner (the same argument shapes the analyzer uses).
 */
import { reconcile } from "../../../policies/offline/config";
import { runPolicies, type Policy, type Violation } from "../../../policies/offline/run";
import type { Snapshot, SnapshotResource } from "../../../policies/offline/snapshot";

/** What a test states about one resource. */
export interface Res {
  type: string;
  name: string;
  props: Record<string, unknown>;
  /** Pulumi resource options the analyzer sees. */
  protect?: boolean;
  additionalSecretOutputs?: string[];
  /** Name of the parent resource (in the same list). */
  parent?: string;
  /** Property → names of resources it depends on. */
  deps?: Record<string, string[]>;
  /** Paths of props that are Pulumi secrets (offline knowledge). */
  secrets?: string[];
  /** Provider inputs (e.g. AWS defaultTags). */
  provider?: Record<string, unknown>;
}

const urnOf = (r: Pick<Res, "type" | "name">) => `urn:pulumi:test::polystore::${r.type}::${r.name}`;

/** A Snapshot of the given resources; inputs and outputs are the same props. */
export function snapshot(resources: Res[]): Snapshot {
  const byName = new Map(resources.map((r) => [r.name, r]));
  const urn = (name: string) => {
    const r = byName.get(name);
    if (!r) throw new Error(`test stack has no resource named ${name}`);
    return urnOf(r);
  };
  const out: SnapshotResource[] = [];
  for (const r of resources) {
    const provider = r.provider ? { type: "pulumi:providers:aws", name: `${r.name}-provider`, props: r.provider } : undefined;
    if (provider) {
      out.push({
        urn: urnOf(provider),
        type: provider.type,
        name: provider.name,
        custom: true,
        inputs: provider.props,
        inputSecrets: [],
        outputs: provider.props,
        outputSecrets: [],
        opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
        dependencies: [],
        propertyDependencies: {},
      });
    }
    const deps = Object.fromEntries(Object.entries(r.deps ?? {}).map(([k, names]) => [k, names.map(urn)]));
    out.push({
      urn: urnOf(r),
      type: r.type,
      name: r.name,
      custom: !r.type.startsWith("polystore:"),
      parent: r.parent ? urn(r.parent) : undefined,
      provider: provider ? `${urnOf(provider)}::id` : undefined,
      inputs: structuredClone(r.props),
      inputSecrets: r.secrets ?? [],
      outputs: structuredClone(r.props),
      outputSecrets: [...(r.secrets ?? []), ...(r.additionalSecretOutputs ?? [])],
      opts: {
        protect: r.protect ?? false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: r.additionalSecretOutputs ?? [],
        ...(r.parent ? { parent: urn(r.parent) } : {}),
      },
      dependencies: [...new Set(Object.values(deps).flat())],
      propertyDependencies: deps,
    });
  }
  return { stack: "test", project: "polystore", file: "test", resources: out };
}

/** Runs one policy (enforced at its default level unless `config` says otherwise) over the resources. */
export function check(policy: Policy, resources: Res[], config: Record<string, unknown> = {}): Promise<Violation[]> {
  return runPolicies(snapshot(resources), [policy], reconcile([policy], Object.keys(config).length ? { [policy.name]: config } : {}));
}

/** A deep copy with one change applied. */
export function broken(resources: Res[], change: (rs: Res[]) => void): Res[] {
  const copy = structuredClone(resources);
  change(copy);
  return copy;
}

/** The resource named `name` in a list. */
export function named(rs: Res[], name: string): Res {
  const r = rs.find((x) => x.name === name);
  if (!r) throw new Error(`no resource ${name}`);
  return r;
}
