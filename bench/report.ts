/** The printed table (also pasted into bench/README.md) and results.json. */
import type { Section } from "./context";
import type { Machine } from "./machine";
import type { Figure } from "./stats";

function fmt(x: number, unit: string): string {
  if (!Number.isFinite(x)) return "-";
  if (unit === "count" || unit === "MB") return String(Math.round(x));
  if (unit === "ratio") return x.toFixed(3);
  if (unit === "ms") return x.toFixed(1);
  return x.toFixed(2);
}

function targetText(f: Figure): string {
  if (!f.target) return "";
  return `${f.target.op === ">=" ? "≥" : "≤"} ${f.target.value}: ${f.target.met ? "met" : "NOT met"}`;
}

export function formatMachine(m: Machine): string {
  return [
    `machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB RAM (${m.freeMemoryGiB} GiB free), load average ${m.loadAverage1m} at start${m.loadAverage1mEnd !== undefined ? `, ${m.loadAverage1mEnd} at end` : ""}; ${m.os}`,
    `versions: node ${m.node}; ${m.java}; ${m.postgres}; ${m.psql}${m.flyway ? `; Flyway ${m.flyway}` : ""}`,
    ...(Object.keys(m.engines).length ? [`engines: ${Object.entries(m.engines).map(([k, v]) => `${k} ${v}`).join("; ")}`] : []),
  ].join("\n");
}

export function formatTable(sections: Section[], iterations: number): string {
  const out: string[] = [];
  const head = ["FIGURE", "UNIT", "MIN", "MEDIAN", "MAX", "TARGET (on the median)"];
  for (const s of sections) {
    const rows = s.figures.map((f) => [f.label, f.unit, fmt(f.min, f.unit), fmt(f.median, f.unit), fmt(f.max, f.unit), [targetText(f), f.note ?? ""].filter(Boolean).join("; ")]);
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join("  ").trimEnd();
    out.push("", `${s.title} — ${iterations} runs`, line(head), ...rows.map(line));
    for (const n of s.notes ?? []) out.push(`  * ${n}`);
  }
  return out.join("\n");
}

/** The target figures, for the summary at the end. */
export function targets(sections: Section[]): Figure[] {
  return sections.flatMap((s) => s.figures.filter((f) => f.target));
}
