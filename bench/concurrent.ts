/**
 * Part 3, All six stores at once: every store's shipped init scripts applied
 * concurrently (as `npm run migrate -- apply` does: one runStore per store
 * under Promise.all), against the same stores one after another. Each run
 * gets fresh namespaces, prepared outside the timed region. The order of the
 * two modes alternates between iterations.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { STORE_KINDS, type StoreConnection, type StoreKind } from "../components/core/types";
import { CORES, cpuWindow, type CpuWindow } from "./cpu";
import type { BenchContext, Section } from "./context";
import { runOnce } from "./runner";
import { figure, median, ratios, rotate, timed } from "./stats";

/** Median CPU seconds per engine (and runner) over the windows. */
function cpuSplit(windows: CpuWindow[]): Record<string, number> {
  const names = [...new Set(windows.flatMap((w) => Object.keys(w.split)))];
  const med = names.map((n) => [n, Math.round(median(windows.map((w) => w.split[n] ?? 0)) * 100) / 100] as const);
  return Object.fromEntries(med.sort((a, b) => b[1] - a[1]));
}

async function freshAll(ctx: BenchContext, kinds: StoreKind[], tag: string): Promise<Record<string, StoreConnection>> {
  const out: Record<string, StoreConnection> = {};
  for (const k of kinds) out[k] = await ctx.ns.fresh(k, tag);
  return out;
}

export async function benchConcurrent(ctx: BenchContext): Promise<Section> {
  const kinds = STORE_KINDS.filter((k) => ctx.engines[k]);
  if (kinds.length < STORE_KINDS.length) ctx.log(`concurrent: only ${kinds.join(", ")} are running`);
  const concurrent: number[] = [];
  const sequential: number[] = [];
  const slowest: number[] = [];
  const slowestKind: string[] = [];
  const alone: Record<string, number[]> = Object.fromEntries(kinds.map((k) => [k, []]));
  const together: Record<string, number[]> = Object.fromEntries(kinds.map((k) => [k, []]));
  const cpu: Record<"concurrent" | "sequential", CpuWindow[]> = { concurrent: [], sequential: [] };
  const stallMs: number[] = [];

  // Untimed warm-up: one concurrent round, so JIT-cold engines (JVMs) do not land on the first timed mode.
  {
    const conns = await freshAll(ctx, kinds, "wrm");
    await Promise.all(kinds.map((k) => runOnce(conns[k]!)));
    await ctx.ns.cleanup();
  }
  for (let i = 0; i < ctx.iterations; i++) {
    for (const mode of rotate(["concurrent", "sequential"] as const, i)) {
      const conns = await freshAll(ctx, kinds, mode.slice(0, 3));
      const window = cpuWindow(ctx.engineGroups);
      if (mode === "concurrent") {
        const loop = monitorEventLoopDelay({ resolution: 5 });
        loop.enable();
        const { ms, value } = await timed(() => Promise.all(kinds.map((k) => runOnce(conns[k]!))));
        loop.disable();
        stallMs.push(loop.max / 1e6);
        cpu.concurrent.push(window(ms));
        concurrent.push(ms);
        value.forEach((r, j) => together[kinds[j]!]!.push(r.ms));
      } else {
        let sum = 0;
        let max = 0;
        let maxKind = "";
        for (const k of rotate(kinds, i)) {
          const r = await runOnce(conns[k]!);
          alone[k]!.push(r.ms);
          sum += r.ms;
          if (r.ms > max) [max, maxKind] = [r.ms, k];
        }
        cpu.sequential.push(window(sum));
        sequential.push(sum);
        slowest.push(max);
        slowestKind.push(maxKind);
      }
      await ctx.ns.cleanup();
    }
    ctx.log(`concurrent ${i + 1}/${ctx.iterations}: all at once ${concurrent.at(-1)!.toFixed(0)} ms, slowest alone ${slowest.at(-1)!.toFixed(0)} ms (${slowestKind.at(-1)}), one after another ${sequential.at(-1)!.toFixed(0)} ms`);
  }
  const s = (xs: number[]) => xs.map((x) => x / 1000);
  return {
    id: "concurrent",
    title: `3. All ${kinds.length} stores' init scripts at once vs alone vs one after another (in process)`,
    figures: [
      figure("concurrent.all_at_once_s", "all stores concurrently", "s", s(concurrent)),
      figure("concurrent.slowest_alone_s", "slowest store alone", "s", s(slowest), { note: `slowest: ${[...new Set(slowestKind)].join("/")}` }),
      figure("concurrent.sequential_s", "one after another", "s", s(sequential)),
      figure("concurrent.concurrent_over_slowest", "concurrent_over_slowest", "ratio", ratios(concurrent, slowest), { target: { op: "<=", value: 1.25 } }),
      figure("concurrent.sequential_over_concurrent", "sequential_over_concurrent", "ratio", ratios(sequential, concurrent)),
      figure("concurrent.cpu_share_concurrent", `  CPU used by engines + runner / (wall × ${CORES} cores), concurrent`, "ratio", cpu.concurrent.map((c) => c.oursShare)),
      figure("concurrent.cpu_share_sequential", `  same, one after another`, "ratio", cpu.sequential.map((c) => c.oursShare)),
      figure("concurrent.cpu_floor_over_slowest", "  cpu_floor_over_slowest (CPU s / cores / slowest alone)", "ratio", cpu.concurrent.map((c, i) => c.ours / CORES / (slowest[i]! / 1000))),
      figure("concurrent.machine_busy_concurrent", "  whole machine busy (all processes), concurrent", "ratio", cpu.concurrent.map((c) => c.machineBusy)),
      figure("concurrent.machine_busy_sequential", "  whole machine busy (all processes), one after another", "ratio", cpu.sequential.map((c) => c.machineBusy)),
      figure("concurrent.cpu_seconds_concurrent", "  CPU seconds of engines + runner, concurrent", "s", cpu.concurrent.map((c) => c.ours)),
      figure("concurrent.cpu_seconds_sequential", "  CPU seconds of engines + runner, one after another", "s", cpu.sequential.map((c) => c.ours)),
      figure("concurrent.event_loop_stall_ms", "  longest event-loop stall in the concurrent run", "ms", stallMs),
      ...kinds.map((k) => figure(`concurrent.${k}.alone_ms`, `  ${k}: alone → within the concurrent run`, "ms", alone[k]!, { note: `concurrent median ${median(together[k]!).toFixed(0)} ms` })),
    ],
    details: {
      slowestStore: slowestKind,
      cpuSecondsConcurrent: cpuSplit(cpu.concurrent),
      cpuSecondsSequential: cpuSplit(cpu.sequential),
      withinConcurrentMs: Object.fromEntries(kinds.map((k) => [k, together[k]!.map((x) => Math.round(x))])),
    },
    notes: [
      `CPU seconds in the concurrent run (median): ${Object.entries(cpuSplit(cpu.concurrent)).map(([k, v]) => `${k} ${v}`).join(", ")} (runner = this process: runners, drivers and chdb).`,
      "cpu_floor_over_slowest: the concurrent run's CPU seconds spread perfectly over every core, over the slowest store alone — the best concurrent_over_slowest this machine allows for that much work.",
      "ClickHouse is chdb (the engine in process), so its queries share the benchmark process's CPU with the other runners' client work.",
    ],
  };
}
