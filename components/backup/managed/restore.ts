/**
 * Restore of a managed backup, always BESIDE the live resource, never over it: a new RDS
 * instance / DocumentDB cluster / ElastiCache replication group / MemoryDB cluster named
 * `<id>-r<YYYYMMDDHHMMSS>`, or on OpenSearch new indices `<domain>-r<…>-<index>` in the same
 * domain. Checked before anything is made (every problem at once): the recorded snapshot is
 * available, the stack's resource is the one recorded, and the new name is free. Then all
 * restores start, are waited for, and each new endpoint is returned with the switch-over steps.
 */
import { errorText } from "../../init/adapter";
import type { StoreKind } from "../../core/types";
import { MANAGED_ADAPTERS, defaultAdapterDeps } from "./adapters";
import type { ManagedManifest } from "./manifest";
import { restoredId, snapshotTags } from "./naming";
import type { AdapterDeps, ManagedTarget } from "./types";
import { realClock, waitUntilAvailable, type Clock } from "./wait";

export interface RestoredStore {
  kind: StoreKind;
  restoredId: string;
  endpoint: string;
  steps: string[];
}

export interface ManagedRestoreOptions {
  stack: string;
  waitMinutes: number;
  log(message: string): void;
  deps?: AdapterDeps;
  clock?: Clock;
}

/** The name a store of `manifest` is restored under. */
export function restoredName(t: ManagedTarget, id: string): string {
  const a = MANAGED_ADAPTERS[t.fact.service];
  return restoredId(t.fact.id, id, a.maxRestoredId);
}

/** Every reason the restore of `kinds` cannot start; empty when it can. */
export async function managedRestoreProblems(manifest: ManagedManifest, targets: Map<StoreKind, ManagedTarget>, kinds: StoreKind[], deps: AdapterDeps = defaultAdapterDeps): Promise<string[]> {
  const problems: string[] = [];
  for (const kind of kinds) {
    const rec = manifest.stores[kind];
    const t = targets.get(kind);
    if (!rec) {
      problems.push(`${kind}: managed backup ${manifest.id} holds no ${kind} snapshot (it has: ${Object.keys(manifest.stores).join(", ")})`);
      continue;
    }
    if (!t) {
      problems.push(`${kind}: the stack output "stores" names no managed resource for ${kind} (needed to restore beside it)`);
      continue;
    }
    if (t.fact.service !== rec.service || t.fact.id !== rec.resource || t.fact.region !== rec.region) {
      problems.push(`${kind}: the backup is of ${rec.service} ${rec.resource} in ${rec.region}, but the stack now has ${t.fact.service} ${t.fact.id} in ${t.fact.region}; restore it by hand (docs/backup.md)`);
      continue;
    }
    const a = MANAGED_ADAPTERS[rec.service];
    try {
      const s = await a.describe(t, rec.snapshot, deps);
      if (s.state !== "available") problems.push(`${kind}: ${a.noun} ${rec.snapshot} is ${s.state === "missing" ? "not in AWS (deleted or pruned)" : `${s.state}${s.detail ? ` (${s.detail})` : ""}`}, not available`);
      const name = restoredName(t, manifest.id);
      if (rec.service !== "opensearch" && (await a.describeRestored(t, name, deps)).state !== "missing") problems.push(`${kind}: ${name} exists already (an earlier restore of ${manifest.id}?); delete it or use it`);
    } catch (err) {
      problems.push(`${kind}: ${errorText(err)}`);
    }
  }
  return problems;
}

/** Restores `kinds` beside their live resources; returns each new endpoint, and the stores that failed. */
export async function restoreManagedBeside(
  manifest: ManagedManifest,
  targets: Map<StoreKind, ManagedTarget>,
  kinds: StoreKind[],
  o: ManagedRestoreOptions,
): Promise<{ restored: RestoredStore[]; failures: string[] }> {
  const deps = o.deps ?? defaultAdapterDeps;
  const clock = o.clock ?? realClock;
  const restored: RestoredStore[] = [];
  const failures: string[] = [];
  await Promise.all(
    kinds.map(async (kind) => {
      const t = targets.get(kind)!;
      const rec = manifest.stores[kind]!;
      const a = MANAGED_ADAPTERS[rec.service];
      const name = restoredName(t, manifest.id);
      const what = `${kind}: restore of ${a.noun} ${rec.snapshot} into ${name}`;
      try {
        o.log(`${what}: starting`);
        await a.restore(t, rec.snapshot, name, { ...snapshotTags(o.stack, kind, manifest.id), "restored-from": rec.snapshot }, deps);
        const s = await waitUntilAvailable({ what, poll: () => a.describeRestored(t, name, deps), timeoutMinutes: o.waitMinutes, clock, log: o.log });
        const endpoint = s.endpoint ?? name;
        restored.push({ kind, restoredId: name, endpoint, steps: a.switchSteps(t, name, endpoint) });
      } catch (err) {
        const m = errorText(err);
        failures.push(m.startsWith(`${kind}:`) ? m : `${kind}: ${m}`);
      }
    }),
  );
  return { restored, failures };
}
