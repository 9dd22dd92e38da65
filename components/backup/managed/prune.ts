/**
 * Retention of managed snapshots (`npm run backup -- prune`, and after every successful run):
 * for each managed store, list the resource's manual snapshots and delete those polystore tagged
 * for THIS stack (project=polystore, stack=<stack>, a backup-id) that are older than --keep-days.
 * Anything else (snapshots of other stacks, untagged or hand-made ones, automated backups) is
 * never touched. Then the local run records older than the retention are deleted.
 */
import { unlinkSync } from "node:fs";
import { errorText } from "../../init/adapter";
import { MANAGED_ADAPTERS, defaultAdapterDeps } from "./adapters";
import { listManagedRuns } from "./manifest";
import { isPolystoreSnapshot, takenAt } from "./naming";
import type { AdapterDeps, ManagedTarget } from "./types";

export interface ManagedPruneResult {
  /** `<store>:<snapshot>` deleted. */
  deleted: string[];
  /** Run records (ids) deleted. */
  records: string[];
  /** One line per store that could not be pruned (the others were). */
  failures: string[];
}

/** Deletes this stack's tagged snapshots older than `keepDays` on each target; then old local records. */
export async function pruneManaged(targets: ManagedTarget[], o: { stack: string; dir: string; keepDays: number; now?: Date; deps?: AdapterDeps; log?(m: string): void }): Promise<ManagedPruneResult> {
  const deps = o.deps ?? defaultAdapterDeps;
  const cutoff = (o.now ?? new Date()).getTime() - o.keepDays * 86_400_000;
  const result: ManagedPruneResult = { deleted: [], records: [], failures: [] };
  for (const t of targets) {
    const a = MANAGED_ADAPTERS[t.fact.service];
    try {
      for (const s of await a.list(t, deps)) {
        if (!isPolystoreSnapshot(s.tags, o.stack)) continue;
        const when = takenAt(s.createdAt, s.tags);
        if (!when || when.getTime() >= cutoff) continue;
        await a.delete(t, s.name, deps);
        o.log?.(`${t.kind}: deleted ${a.noun} ${s.name}`);
        result.deleted.push(`${t.kind}:${s.name}`);
      }
    } catch (err) {
      result.failures.push(`${t.kind}: pruning ${a.noun}s of ${t.fact.id} failed: ${errorText(err)}`);
    }
  }
  if (!result.failures.length) {
    for (const r of listManagedRuns(o.dir)) {
      if (r.createdAt.getTime() < cutoff) {
        unlinkSync(r.path);
        result.records.push(r.id);
      }
    }
  }
  return result;
}
