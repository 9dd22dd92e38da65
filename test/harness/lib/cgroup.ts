/**
 * Memory cgroups for the harness: run an engine under the same kernel memory
 * limit Docker's `--memory` sets on its container, record its peak usage and
 * OOM kills, and remove the cgroup afterwards. Works with cgroup v2 (unified:
 * memory.max / memory.peak / memory.events) and v1 (the `memory` controller:
 * memory.limit_in_bytes / memory.max_usage_in_bytes / memory.oom_control),
 * detected from /proc/self/mountinfo. The cgroup is made below the cgroup this
 * process is in (v1), or wherever the memory controller is delegated (v2).
 * Needs root; without a usable memory controller it throws, it never skips.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export type CgroupVersion = 1 | 2;

/** What the kernel recorded for a cgroup. */
export interface MemoryUsage {
  limitBytes: number;
  /** Current charge (anonymous memory + page cache + kernel memory). */
  currentBytes: number;
  /** Highest charge the kernel saw (v1 max_usage_in_bytes, v2 memory.peak; page cache included). */
  peakBytes: number;
  /** Highest working set (charge minus inactive file cache) seen by {@link MemoryCgroup.sample}; what `docker stats` and the kubelet report. */
  peakWorkingSetBytes: number;
  /**
   * Highest charge minus all file cache (active and inactive) seen by {@link MemoryCgroup.sample}: anonymous
   * memory, shared memory and kernel memory, which the kernel cannot drop under pressure. What decides an OOM kill;
   * a store that writes more data than its limit fills the rest with file cache, active or not.
   */
  peakUnreclaimableBytes: number;
  /** Processes the kernel's OOM killer killed inside the cgroup. */
  oomKills: number;
  /** Times the charge hit the limit (v1 memory.failcnt, v2 memory.events `max`); reclaiming cache there is normal. */
  limitHits: number;
}

export interface MemoryCgroup {
  version: CgroupVersion;
  /** Absolute directory of the cgroup. */
  path: string;
  limitBytes: number;
  /** The command and arguments that run `command` inside the cgroup (it moves itself in before exec, so children are inside too). */
  wrap(command: string, args: string[]): { command: string; args: string[] };
  /** Samples the working set now (call it periodically: {@link MemoryCgroup.startSampling}). */
  sample(): void;
  /** Samples every `ms` until the returned function is called. */
  startSampling(ms?: number): () => void;
  usage(): MemoryUsage;
  /** Pids in the cgroup now. */
  pids(): number[];
  /** Kills what is left in it (only processes this harness started can be there) and removes it. */
  remove(): Promise<void>;
}

interface Hierarchy {
  version: CgroupVersion;
  /** Directory new cgroups are made in. */
  parent: string;
}

const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function read(path: string): string {
  return readFileSync(path, "utf8").trim();
}

/** Keyed lines (`name value`) of memory.stat, memory.events, memory.oom_control. */
function keyed(path: string): Record<string, number> {
  const out: Record<string, number> = {};
  if (!existsSync(path)) return out;
  for (const line of read(path).split("\n")) {
    const [k, v] = line.split(/\s+/);
    if (k && v !== undefined) out[k] = Number(v);
  }
  return out;
}

/** This process's cgroup path in a hierarchy, from /proc/self/cgroup (v1: the line naming `memory`; v2: `0::`). */
function ownPath(version: CgroupVersion): string {
  for (const line of read("/proc/self/cgroup").split("\n")) {
    const [id, controllers, path] = line.split(":");
    if (version === 2 && id === "0" && controllers === "") return path ?? "/";
    if (version === 1 && controllers?.split(",").includes("memory")) return path ?? "/";
  }
  return "/";
}

/** Finds the memory controller: v2 if the unified hierarchy offers it, else v1's `memory` hierarchy. */
export function detectHierarchy(): Hierarchy {
  const mounts = read("/proc/self/mountinfo")
    .split("\n")
    .map((l) => {
      const [pre, post] = l.split(" - ");
      const f = (pre ?? "").split(" ");
      const p = (post ?? "").split(" ");
      return { mountPoint: f[4] ?? "", fsType: p[0] ?? "", superOptions: (p[2] ?? "").split(",") };
    });
  const v2 = mounts.find((m) => m.fsType === "cgroup2");
  if (v2 && existsSync(join(v2.mountPoint, "cgroup.controllers")) && read(join(v2.mountPoint, "cgroup.controllers")).split(/\s+/).includes("memory")) {
    // No internal processes in v2: a child of our own cgroup needs `memory` in its subtree_control, which fails
    // while we are in it; then fall back to the hierarchy's root, where the controller is enabled for children.
    const own = join(v2.mountPoint, ownPath(2));
    for (const dir of [own, v2.mountPoint]) {
      try {
        const ctl = join(dir, "cgroup.subtree_control");
        if (!read(ctl).split(/\s+/).includes("memory")) writeFileSync(ctl, "+memory");
        return { version: 2, parent: dir };
      } catch {
        // next candidate
      }
    }
  }
  const v1 = mounts.find((m) => m.fsType === "cgroup" && m.superOptions.includes("memory"));
  if (v1) {
    const own = join(v1.mountPoint, ownPath(1));
    return { version: 1, parent: existsSync(join(own, "memory.limit_in_bytes")) ? own : v1.mountPoint };
  }
  throw new Error(
    "memory cgroup: no usable memory controller (neither cgroup v2 with `memory` in cgroup.controllers nor a cgroup v1 `memory` hierarchy in /proc/self/mountinfo); " +
      "the load suite needs one, as root, to hold each engine to its container's memory limit",
  );
}

/** Creates a memory cgroup named `polystore-<name>-<pid>` limited to `limitMb`. Throws with the reason (not root, read-only cgroupfs…). */
export function createMemoryCgroup(name: string, limitMb: number): MemoryCgroup {
  if (!Number.isInteger(limitMb) || limitMb < 16) throw new Error(`memory cgroup ${name}: limit must be a whole number of MB ≥ 16, got ${limitMb}`);
  const h = detectHierarchy();
  const path = join(h.parent, `polystore-${name}-${process.pid}`);
  const limitBytes = limitMb * MB;
  const file = (f: string) => join(path, f);
  try {
    mkdirSync(path);
    if (h.version === 2) {
      writeFileSync(file("memory.max"), String(limitBytes));
      // Like Docker, which sets memory-swap = memory: no swap beyond the limit.
      if (existsSync(file("memory.swap.max"))) writeFileSync(file("memory.swap.max"), "0");
    } else {
      writeFileSync(file("memory.limit_in_bytes"), String(limitBytes));
      if (existsSync(file("memory.memsw.limit_in_bytes"))) writeFileSync(file("memory.memsw.limit_in_bytes"), String(limitBytes));
    }
  } catch (err) {
    if (existsSync(path)) rmdirSync(path);
    throw new Error(`memory cgroup ${path}: cannot create it or set its limit (${(err as Error).message}); the harness must run as root with a writable cgroup filesystem`);
  }
  let peakWorkingSet = 0;
  let peakUnreclaimable = 0;
  const current = () => Number(read(file(h.version === 2 ? "memory.current" : "memory.usage_in_bytes")));
  /** Inactive and active file cache (v1 `total_*` counts the cgroup and its children). */
  const fileCache = () => {
    const stat = keyed(file("memory.stat"));
    const get = (name: string) => (h.version === 2 ? stat[name] ?? 0 : stat[`total_${name}`] ?? stat[name] ?? 0);
    return { inactive: get("inactive_file"), active: get("active_file") };
  };
  const cg: MemoryCgroup = {
    version: h.version,
    path,
    limitBytes,
    wrap: (command, args) => ({ command: "sh", args: ["-c", 'echo $$ > "$0" && exec "$@"', file("cgroup.procs"), command, ...args] }),
    sample() {
      if (!existsSync(path)) return;
      const cur = current();
      const cache = fileCache();
      peakWorkingSet = Math.max(peakWorkingSet, cur - cache.inactive);
      peakUnreclaimable = Math.max(peakUnreclaimable, cur - cache.inactive - cache.active);
    },
    startSampling(ms = 100) {
      cg.sample();
      const t = setInterval(() => cg.sample(), ms);
      t.unref();
      return () => {
        clearInterval(t);
        cg.sample();
      };
    },
    usage() {
      const cur = current();
      if (h.version === 2) {
        const events = keyed(file("memory.events"));
        const peak = existsSync(file("memory.peak")) ? Number(read(file("memory.peak"))) : Math.max(cur, peakWorkingSet);
        return { limitBytes, currentBytes: cur, peakBytes: peak, peakWorkingSetBytes: peakWorkingSet, peakUnreclaimableBytes: peakUnreclaimable, oomKills: events.oom_kill ?? 0, limitHits: events.max ?? 0 };
      }
      const oom = keyed(file("memory.oom_control"));
      return {
        limitBytes,
        currentBytes: cur,
        peakBytes: Number(read(file("memory.max_usage_in_bytes"))),
        peakWorkingSetBytes: peakWorkingSet,
        peakUnreclaimableBytes: peakUnreclaimable,
        oomKills: oom.oom_kill ?? 0,
        limitHits: Number(read(file("memory.failcnt"))),
      };
    },
    pids: () => (existsSync(path) ? read(file("cgroup.procs")).split("\n").filter(Boolean).map(Number) : []),
    async remove() {
      if (!existsSync(path)) return;
      for (let i = 0; i < 50; i++) {
        const left = cg.pids();
        if (left.length === 0) break;
        for (const pid of left) {
          try {
            process.kill(pid, i < 20 ? "SIGTERM" : "SIGKILL");
          } catch {
            // already gone
          }
        }
        await sleep(200);
      }
      try {
        rmdirSync(path);
      } catch (err) {
        throw new Error(`memory cgroup ${path}: could not remove it (${(err as Error).message}); processes left: ${cg.pids().join(", ") || "none"}`);
      }
    },
  };
  return cg;
}

/** `usage` in MB and as a share of the limit, for logs and reports. */
export function describeUsage(u: MemoryUsage): string {
  const mb = (b: number) => `${Math.round(b / MB)} MB`;
  return (
    `limit ${mb(u.limitBytes)}, peak unreclaimable ${mb(u.peakUnreclaimableBytes)} (${(u.peakUnreclaimableBytes / u.limitBytes).toFixed(2)} of the limit), ` +
    `peak working set ${mb(u.peakWorkingSetBytes)} (${(u.peakWorkingSetBytes / u.limitBytes).toFixed(2)}), ` +
    `peak charge incl. page cache ${mb(u.peakBytes)}, OOM kills ${u.oomKills}, limit hits ${u.limitHits}`
  );
}
