/**
 * The frame every load test file shares (vitest only): start the store in its
 * dev memory limit, run its workload once with the cgroup sampled, stop it and
 * remove the cgroup afterwards, and the checks every store gets — the workload
 * completed, nothing was OOM-killed, the engine is still there, the cgroup had
 * the dev container's limit, and its peak unreclaimable memory (charge minus file cache) stayed within 0.9 of it.
 * Store-specific checks go in `body`, reading the outcome through `run()`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoreKind } from "../../../components/core/types";
import { describeOutcome, measure, startInLimit, type LoadOutcome, type LoadTarget } from "./support";
import { WORKLOADS } from "./workloads";

export interface LoadRun {
  t: LoadTarget;
  o: LoadOutcome;
}

export function describeLoad(kind: StoreKind, title: string, body: (run: () => LoadRun) => void): void {
  let t: LoadTarget | undefined;
  let o: LoadOutcome | undefined;
  const run = (): LoadRun => {
    if (!t || !o) throw new Error(`${kind}: the load run did not happen (see the error of beforeAll)`);
    return { t, o };
  };
  beforeAll(async () => {
    t = await startInLimit(kind, { log: (l) => console.log(`[load] ${l}`) });
    o = await measure(t, WORKLOADS[kind]);
    console.log(`[load] ${describeOutcome(o)}`);
  });
  afterAll(async () => {
    await t?.run.stop();
  });

  describe(title, () => {
    it("completes the workload: not OOM-killed, the engine still there", () => {
      const { o } = run();
      expect(o.error).toBeUndefined();
      expect(o.usage.oomKills).toBe(0);
      expect(o.alive).toBe(true);
    });

    it("runs in a memory cgroup limited to the dev container's memoryMb", () => {
      const { t, o } = run();
      expect(o.usage.limitBytes).toBe(t.shipped.limitMb * 1024 * 1024);
    });

    body(run);

    it("stays within 0.9 of the limit in memory the kernel cannot reclaim (charge minus file cache)", () => {
      expect(run().o.peakOverLimit).toBeLessThanOrEqual(0.9);
    });
  });
}
