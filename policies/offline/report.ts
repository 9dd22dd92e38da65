/** Plain-text output of the offline check. */
import type { Violation } from "./run";

/** A table of violations: policy, resource, level, message (mandatory first). */
export function formatTable(violations: Violation[]): string {
  const rows = [...violations]
    .sort((a, b) => (a.level === b.level ? a.policy.localeCompare(b.policy) : a.level === "mandatory" ? -1 : 1))
    .map((v) => [v.policy, v.resource, v.level, v.message.replace(/\s*\n\s*/g, " ")]);
  const head = ["POLICY", "RESOURCE", "LEVEL", "MESSAGE"];
  const widths = [0, 1, 2].map((i) => Math.min(48, Math.max(head[i].length, ...rows.map((r) => r[i].length))));
  const line = (r: string[]) => [...r.slice(0, 3).map((c, i) => c.padEnd(widths[i])), r[3]].join("  ").trimEnd();
  return [line(head), ...rows.map(line)].join("\n");
}

/** The last line: `N policies, M resources, K mandatory violations, J advisory violations` (singular for 1). */
export function summaryLine(policies: number, resources: number, mandatory: number, advisory: number): string {
  const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
  return [n(policies, "policy", "policies"), n(resources, "resource"), n(mandatory, "mandatory violation"), n(advisory, "advisory violation")].join(", ");
}
