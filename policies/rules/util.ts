/**
 * Helpers shared by the policies. Pure functions over the plain JSON a
 * policy sees in `args.props` (the Pulumi analyzer hands policies resource
 * inputs — or, for stack policies, outputs — with secrets already unwrapped).
 */
import type { PolicyConfigSchema, PolicyResource } from "@pulumi/policy";

/** Anything a policy reads out of `props`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Props = Record<string, any>;

/** `what is wrong; fix: how to fix it` — the one-line message every violation uses. */
export function must(problem: string, fix: string): string {
  return `${problem}; fix: ${fix}`;
}

/** Resource label for messages: `docker:index/container:Container postgres-container` → `Container postgres-container`. */
export function label(type: string, name: string): string {
  const kind = type.split(":").pop() ?? type;
  return `${kind} ${name}`;
}

/**
 * Reads a value that may be unknown during `pulumi preview` (the analyzer's
 * props proxy throws `UnknownValueError` on access): returns `fallback` then,
 * so one computed property does not hide every other check of a policy.
 */
export function known<T>(read: () => T, fallback?: T): T | undefined {
  try {
    return read();
  } catch (e) {
    if (isUnknownValueError(e)) return fallback;
    throw e;
  }
}

/** Whether `e` is @pulumi/policy's UnknownValueError (its class is not exported). */
export function isUnknownValueError(e: unknown): boolean {
  return e instanceof Error && e.constructor?.name === "UnknownValueError";
}

/** `x` as an array (undefined → []). */
export function list<T = unknown>(x: unknown): T[] {
  return Array.isArray(x) ? (x as T[]) : x === undefined || x === null ? [] : [x as T];
}

/** Whether a string is non-empty after trimming. */
export function filled(x: unknown): x is string {
  return typeof x === "string" && x.trim().length > 0;
}

/** A policy's config merged over its defaults (`getConfig` returns {} when nothing is configured). */
export function settings<T extends object>(args: { getConfig<C extends object>(): C }, defaults: T): T {
  const given = (args.getConfig<Partial<T>>() ?? {}) as Partial<T>;
  const out = { ...defaults };
  for (const [k, v] of Object.entries(given)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** Port numbers of the engines polystore provisions (and their common siblings). */
export const DATABASE_PORTS = [5432, 3306, 6379, 6380, 27017, 9200, 9300, 8123, 9000, 9440, 7474, 7473, 7687, 11211, 9042, 26257];

/** The `databasePorts` config property several policies share. */
export const databasePortsSchema: PolicyConfigSchema["properties"][string] = {
  type: "array",
  items: { type: "integer", minimum: 1, maximum: 65535 },
  default: DATABASE_PORTS,
  description: "Ports treated as database ports.",
};

/** Whether `[from, to]` (either may be missing for "all ports") covers any of `ports`. */
export function coversPort(from: unknown, to: unknown, ports: number[], allProtocols = false): number | undefined {
  if (allProtocols) return ports[0];
  const lo = typeof from === "number" ? from : 0;
  const hi = typeof to === "number" ? to : 65535;
  // AWS uses from=0,to=0 together with protocol -1 for "everything".
  if (lo === 0 && hi === 0) return ports[0];
  return ports.find((p) => p >= lo && p <= hi);
}

/** Resources of a stack by URN. */
export function byUrn(resources: PolicyResource[]): Map<string, PolicyResource> {
  return new Map(resources.map((r) => [r.urn, r]));
}

/** The parent chain of a resource, nearest first. */
export function ancestors(r: PolicyResource, index: Map<string, PolicyResource>): PolicyResource[] {
  const out: PolicyResource[] = [];
  const seen = new Set<string>();
  let cur: PolicyResource | undefined = r.parent ?? (r.opts.parent ? index.get(r.opts.parent) : undefined);
  while (cur && !seen.has(cur.urn)) {
    seen.add(cur.urn);
    out.push(cur);
    cur = cur.parent ?? (cur.opts.parent ? index.get(cur.opts.parent) : undefined);
  }
  return out;
}

/**
 * The resource a string property refers to, found by property dependency
 * first (robust to computed names) and then by a matching `name` prop.
 */
export function referenced(
  r: PolicyResource,
  property: string,
  types: string[],
  resources: PolicyResource[],
): PolicyResource | undefined {
  const deps = (r.propertyDependencies?.[property] ?? []).filter((d) => types.includes(d.type));
  if (deps.length > 0) return deps[0];
  const value = known(() => r.props[property]);
  if (!filled(value)) return undefined;
  return resources.find((x) => types.includes(x.type) && known(() => x.props.name) === value);
}

/** Parameters of a parameter-group resource as a lower-cased name → value map. */
export function parameters(group: PolicyResource | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of list<Props>(known(() => group?.props.parameters, []))) {
    const name = known(() => p.name);
    const value = known(() => p.value);
    if (typeof name === "string") out.set(name.toLowerCase(), String(value ?? ""));
  }
  return out;
}
