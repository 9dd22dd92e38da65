/**
 * What the offline evaluator records about a stack: every registered
 * resource with the same facts the Pulumi engine sends a policy analyzer
 * (type, name, URN, parent, inputs, outputs, options, dependencies), plus
 * which values were Pulumi secrets — which the engine does not tell policies.
 */

/** Resource options as the analyzer reports them. */
export interface SnapshotOptions {
  protect: boolean;
  ignoreChanges: string[];
  deleteBeforeReplace?: boolean;
  aliases: string[];
  customTimeouts: { createSeconds: number; updateSeconds: number; deleteSeconds: number };
  additionalSecretOutputs: string[];
  parent?: string;
}

export interface SnapshotResource {
  urn: string;
  type: string;
  name: string;
  /** Custom (provider-managed) resource, as opposed to a component. */
  custom: boolean;
  parent?: string;
  /** Provider reference (`urn::id`) when one was given explicitly. */
  provider?: string;
  /** Inputs (what `validateResource` sees), secrets unwrapped, internal `__` keys dropped. */
  inputs: Record<string, unknown>;
  /** Paths in `inputs` that were Pulumi secrets. */
  inputSecrets: string[];
  /** Outputs (what `validateStack` sees): the mocks echo inputs; components' registered outputs. */
  outputs: Record<string, unknown>;
  /** Paths in `outputs` that are secrets (including `additionalSecretOutputs`). */
  outputSecrets: string[];
  opts: SnapshotOptions;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
}

export interface Snapshot {
  stack: string;
  project: string;
  /** Stack file evaluated, relative to the repository root. */
  file: string;
  resources: SnapshotResource[];
  /** Set for a review template: its placeholders were filled in for this pull request. */
  templatePr?: number;
  /** Set when the stack could not be evaluated; `config` errors name the bad keys. */
  error?: { kind: "config" | "program"; message: string };
}

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * Plain JSON from a serialized Pulumi property struct: secrets unwrapped (their
 * paths recorded), resource references downgraded to their ID (or URN), as
 * the analyzer does; `__` keys dropped at the top level.
 */
export function unwrap(raw: Record<string, unknown> | undefined, dropInternal = true): { value: Record<string, unknown>; secrets: string[] } {
  const secrets: string[] = [];
  const walk = (v: unknown, path: string): unknown => {
    if (v === UNKNOWN) return undefined;
    if (Array.isArray(v)) return v.map((e, i) => walk(e, `${path}[${i}]`));
    if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (o[SIG] === SECRET_SIG) {
        secrets.push(path);
        return walk(o.value, path);
      }
      if (o[SIG] === RESOURCE_SIG) return typeof o.id === "string" && o.id !== "" ? o.id : o.urn;
      const out: Record<string, unknown> = {};
      for (const [k, child] of Object.entries(o)) out[k] = walk(child, path ? `${path}.${k}` : k);
      return out;
    }
    return v;
  };
  const value: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw ?? {})) {
    if (dropInternal && k.startsWith("__")) continue;
    value[k] = walk(v, k);
  }
  return { value, secrets };
}

/** `5m`, `1h30m`, `90s` → seconds (Pulumi custom timeouts are Go durations). */
export function durationSeconds(s: string | undefined): number {
  if (!s) return 0;
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(h|m|s|ms)/g)) total += Number(m[1]) * ({ h: 3600, m: 60, s: 1, ms: 0.001 }[m[2] as "h"] ?? 0);
  return total;
}
