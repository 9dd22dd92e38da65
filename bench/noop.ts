/**
 * Part 2, No-op re-run: for each of the six stores, apply its shipped init
 * scripts into a fresh namespace, then run apply again with nothing pending.
 * Reports the second run's time as a fraction of the first (noop_over_apply)
 * and how many requests it sent (the adapters' roundTrips).
 */
import { STORE_KINDS, type StoreKind } from "../components/core/types";
import type { BenchContext, Section } from "./context";
import { runOnce } from "./runner";
import { figure, median, ratios, rotate } from "./stats";

export async function benchNoop(ctx: BenchContext): Promise<Section> {
  const kinds = STORE_KINDS.filter((k) => ctx.engines[k]);
  const apply: Record<string, number[]> = {};
  const noop: Record<string, number[]> = {};
  const trips: Record<string, number[]> = {};
  const tripsTotal: Record<string, number[]> = {};
  const scripts: Record<string, number> = {};
  const phases: Record<string, Array<Record<string, number>>> = {};
  for (const k of kinds) [apply, noop, trips, tripsTotal, phases].forEach((m) => (m[k] = []));
  // Untimed warm-up: loads each adapter's driver once (module load is a one-time cost of the process, not of a run).
  for (const k of kinds) {
    try {
      await runOnce(await ctx.ns.fresh(k, "warm"));
    } catch (err) {
      const hint = k === "elasticsearch" && ctx.engines.elasticsearch?.options?.flavor !== "opensearch" ? " (to measure against OpenSearch instead: npm run bench -- --search opensearch)" : "";
      throw new Error(`${(err as Error).message}${hint}`);
    }
  }
  await ctx.ns.cleanup();
  for (let i = 0; i < ctx.iterations; i++) {
    for (const k of rotate(kinds, i)) {
      const conn = await ctx.ns.fresh(k, "noop");
      const first = await runOnce(conn, "apply", { profile: true });
      const second = await runOnce(conn, "apply", { profile: true });
      phases[k]!.push(second.phases!);
      if (second.report.applied.length !== 0) throw new Error(`${k}: the re-run applied ${second.report.applied.length} script(s); expected none`);
      scripts[k] = first.report.applied.length;
      apply[k]!.push(first.ms);
      noop[k]!.push(second.ms);
      trips[k]!.push(second.report.roundTrips);
      tripsTotal[k]!.push(second.totalRoundTrips);
    }
    await ctx.ns.cleanup();
    ctx.log(`noop ${i + 1}/${ctx.iterations}: ${kinds.map((k) => `${k} ${apply[k]!.at(-1)!.toFixed(0)}→${noop[k]!.at(-1)!.toFixed(0)} ms`).join(", ")}`);
  }
  const figures = kinds.flatMap((k: StoreKind) => [
    figure(`noop.${k}.apply_ms`, `${k}: first apply (${scripts[k]} scripts)`, "ms", apply[k]!),
    figure(`noop.${k}.noop_ms`, `${k}: no-op re-run`, "ms", noop[k]!),
    figure(`noop.${k}.noop_over_apply`, `${k}: noop_over_apply`, "ratio", ratios(noop[k]!, apply[k]!), { target: { op: "<=", value: 0.05 } }),
    figure(`noop.${k}.round_trips`, `${k}: no-op round trips (after ping / total)`, "count", trips[k]!, { note: `total incl. connect+ping: ${tripsTotal[k]![0]}` }),
  ]);
  // Median ms per adapter method of the no-op run: where a run with nothing to do spends its time.
  const noopPhases = Object.fromEntries(
    kinds.map((k) => {
      const names = [...new Set(phases[k]!.flatMap((p) => Object.keys(p)))];
      const med = names.map((n) => [n, Math.round(median(phases[k]!.map((p) => p[n] ?? 0)) * 10) / 10] as const);
      return [k, Object.fromEntries(med.sort((a, b) => b[1] - a[1]))];
    }),
  );
  const phaseNotes = kinds.map(
    (k) => `${k} no-op, median ms per step: ${Object.entries(noopPhases[k]!).map(([n, ms]) => `${n} ${ms}`).join(", ")}`,
  );
  return {
    id: "noop",
    title: "2. No-op re-run of each store's shipped init scripts (in process, runner time)",
    figures,
    details: { scripts, totalRoundTrips: Object.fromEntries(kinds.map((k) => [k, tripsTotal[k]![0]])), noopPhasesMs: noopPhases },
    notes: [
      "Times are runStore() wall times in one warm process (connect, wait, lock, ledger, identity, scripts, unlock, close); process start-up is in part 1.",
      ...phaseNotes,
      "The shipped scripts are tiny (3 per store, 1 for redis), so a first apply is itself short: noop_over_apply here mostly measures the fixed per-run cost. Part 1's 200-migration figure is the one the 0.05 target is meant for.",
    ],
  };
}
