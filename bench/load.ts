/**
 * Part 6, Load: each store in turn under the load suite's workload
 * (test/load/lib) inside a memory cgroup with its dev container limit and the
 * dev stack's settings. Reports the peak unreclaimable memory (charge minus file cache) over the limit (target
 * ≤ 0.9: headroom left under the limit) and application operations per second.
 * One run per store: a load run takes a minute or more, and the figure that
 * matters (the peak) is a maximum, not a timing to be averaged.
 */
import type { StoreKind } from "../components/core/types";
import { describeOutcome, measure, startInLimit, type LoadOutcome } from "../test/load/lib/support";
import { WORKLOADS } from "../test/load/lib/workloads";
import type { Section } from "./context";
import { figure } from "./stats";

export async function benchLoad(stores: StoreKind[], portOffset: number | undefined, log: (m: string) => void): Promise<Section> {
  const outcomes: LoadOutcome[] = [];
  for (const kind of stores) {
    log(`load: ${kind} in its dev memory limit`);
    const t = await startInLimit(kind, { portOffset, log: (l) => log(`load: ${l}`) });
    try {
      const o = await measure(t, WORKLOADS[kind]);
      log(`load: ${describeOutcome(o)}`);
      outcomes.push(o);
    } finally {
      await t.run.stop();
    }
  }
  const mb = (b: number) => Math.round(b / 2 ** 20);
  return {
    id: "load",
    title: "6. Load: each store inside its dev container memory limit (kernel memory cgroup)",
    figures: outcomes.flatMap((o) => [
      figure(`load.${o.kind}.peak_over_limit`, `${o.kind}: peak unreclaimable memory (charge minus file cache) / limit (${o.limitMb} MB)`, "ratio", [o.peakOverLimit], { target: { op: "<=", value: 0.9 } }),
      figure(`load.${o.kind}.ops_per_s`, `${o.kind}: application operations per second under load`, "ops/s", [o.opsPerSecond]),
    ]),
    details: Object.fromEntries(
      outcomes.map((o) => [
        o.kind,
        {
          limitMb: o.limitMb,
          peakWorkingSetMb: mb(o.usage.peakWorkingSetBytes),
          peakUnreclaimableMb: mb(o.usage.peakUnreclaimableBytes),
          peakChargeWithPageCacheMb: mb(o.usage.peakBytes),
          oomKills: o.usage.oomKills,
          ops: o.ops,
          seconds: Math.round(o.seconds * 10) / 10,
          error: o.error,
          facts: o.facts,
        },
      ]),
    ),
    notes: [
      "Peak working set = the cgroup's charge minus inactive file cache, sampled every 100 ms (what docker stats and the kubelet report); the kernel's own peak includes reclaimable page cache and reaches the limit whenever a store writes more than it.",
      "One run per store (min = median = max). Stand-ins: FerretDB for mongod, chDB hosted by Node.js for clickhouse-server, Elastic's integ-test distribution, neo4j-harness (see README).",
      ...outcomes.filter((o) => o.error || o.usage.oomKills > 0).map((o) => `${o.kind}: ${o.usage.oomKills} OOM kill(s)${o.error ? `, workload failed: ${o.error}` : ""}`),
    ],
  };
}
