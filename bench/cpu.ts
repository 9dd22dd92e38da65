/**
 * CPU time accounting for part 3: how much CPU the engines (every process in
 * the harness's process groups, or descended from them; reaped children via
 * cutime/cstime) and this benchmark process used. Divided by wall time × cores,
 * it says whether a run was limited by the machine's CPUs rather than by waiting.
 * Linux /proc only; elsewhere it reports nothing.
 */
import { readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture the harness runs on.

interface Proc {
  ppid: number;
  pgrp: number;
  ticks: number;
}

function processes(): Map<number, Proc> {
  const out = new Map<number, Proc>();
  let pids: string[] = [];
  try {
    pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // f[0] = state (field 3); utime..cstime are fields 14-17.
      out.set(Number(pid), { ppid: Number(f[1]), pgrp: Number(f[2]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** An engine's process-group leader. */
export interface EngineGroup {
  name: string;
  pid: number;
}

/** CPU seconds used so far by each engine (every process of its group or below it) and by this process. */
export function cpuSeconds(groups: readonly EngineGroup[]): { engines: number; byEngine: Record<string, number>; bench: number } {
  const procs = processes();
  const roots = new Map(groups.map((g) => [g.pid, g.name]));
  const engineOf = (pid: number): string | undefined => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
      const info = procs.get(p);
      if (!info) return undefined;
      const name = roots.get(p) ?? roots.get(info.pgrp);
      if (name) return name;
      p = info.ppid;
    }
    return undefined;
  };
  const byEngine: Record<string, number> = Object.fromEntries(groups.map((g) => [g.name, 0]));
  for (const [pid, info] of procs) {
    const name = engineOf(pid);
    if (name) byEngine[name] = (byEngine[name] ?? 0) + info.ticks / TICKS_PER_SECOND;
  }
  const own = process.cpuUsage();
  return { engines: Object.values(byEngine).reduce((a, b) => a + b, 0), byEngine, bench: (own.user + own.system) / 1e6 };
}

export const CORES = cpus().length;

/** Machine-wide CPU jiffies from /proc/stat: busy and total (all processes, including other users of the machine). */
export function machineJiffies(): { busy: number; total: number } {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
    const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = v.reduce((a, b) => a + b, 0);
    const idle = v[3]! + v[4]!;
    return { busy: total - idle, total };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

export interface CpuWindow {
  /** CPU seconds of the engines plus this process. */
  ours: number;
  /** CPU seconds per engine, and `runner` for this process (runners, drivers and in-process chdb). */
  split: Record<string, number>;
  /** ours / (wall × cores). */
  oursShare: number;
  /** Share of all cores busy (any process) during the window. */
  machineBusy: number;
}

/** Starts a measurement window; call the returned function at its end with the window's wall time. */
export function cpuWindow(groups: readonly EngineGroup[]): (wallMs: number) => CpuWindow {
  const a = cpuSeconds(groups);
  const m = machineJiffies();
  return (wallMs) => {
    const b = cpuSeconds(groups);
    const n = machineJiffies();
    const ours = b.engines - a.engines + (b.bench - a.bench);
    const split: Record<string, number> = { runner: b.bench - a.bench };
    for (const g of groups) split[g.name] = (b.byEngine[g.name] ?? 0) - (a.byEngine[g.name] ?? 0);
    return { ours, split, oursShare: ours / ((wallMs / 1000) * CORES), machineBusy: (n.busy - m.busy) / (n.total - m.total) };
  };
}
