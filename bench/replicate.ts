/** N copies of a snapshot's resources (one stack resource), each copy's names suffixed and its links rewired. */
import type { Snapshot, SnapshotResource } from "../policies/offline/snapshot";

export function replicate(snap: Snapshot, copies: number): Snapshot {
  const stack = snap.resources.filter((r) => r.type === "pulumi:pulumi:Stack");
  const rest = snap.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
  const stackUrns = new Set(stack.map((r) => r.urn));
  const out: SnapshotResource[] = [...stack];
  for (let c = 0; c < copies; c++) {
    const suffix = c === 0 ? "" : `-c${c}`;
    // A URN ends with the resource's name, so suffixing the URN renames the resource.
    const map = (u: string) => (stackUrns.has(u) ? u : `${u}${suffix}`);
    const mapProvider = (p: string) => {
      const parts = p.split("::");
      const id = parts.pop()!;
      return `${map(parts.join("::"))}::${id}`;
    };
    for (const r of rest) {
      out.push({
        ...structuredClone(r),
        urn: map(r.urn),
        name: `${r.name}${suffix}`,
        parent: r.parent ? map(r.parent) : undefined,
        provider: r.provider ? mapProvider(r.provider) : undefined,
        opts: { ...structuredClone(r.opts), ...(r.opts.parent ? { parent: map(r.opts.parent) } : {}) },
        dependencies: r.dependencies.map(map),
        propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.map(map)])),
      });
    }
  }
  return { ...snap, resources: out };
}
