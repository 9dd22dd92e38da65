/**
 * A managed backup run: every managed store's snapshot is started (tagged project / stack /
 * store / backup-id), then all are waited for in parallel with a bounded time, and the run is
 * recorded in `<dir>/<id>.managed.json` whatever happened: a store that failed is recorded with
 * its error, one still creating when the wait ran out as `creating` (it goes on in AWS), and the
 * others' snapshots are never lost from the record. Counts are not taken: see docs/backup.md.
 */
import { mkdirSync } from "node:fs";
import { errorText } from "../../init/adapter";
import { MANAGED_ADAPTERS, defaultAdapterDeps } from "./adapters";
import { writeManagedManifest, MANAGED_FORMAT, type ManagedManifest, type ManagedStoreRecord } from "./manifest";
import { snapshotName, snapshotTags } from "./naming";
import type { AdapterDeps, ManagedTarget } from "./types";
import { realClock, waitUntilAvailable, type Clock } from "./wait";

export interface ManagedRunOptions {
  stack: string;
  dir: string;
  id: string;
  waitMinutes: number;
  polystoreVersion: string;
  log(message: string): void;
  deps?: AdapterDeps;
  clock?: Clock;
}

/** How each service's snapshot is taken and restored (recorded per store). */
export function managedMethods(t: ManagedTarget): { method: string; restoreMethod: string } {
  const a = MANAGED_ADAPTERS[t.fact.service];
  const restore = {
    rds: "RestoreDBInstanceFromDBSnapshot into a new instance <id>-r<backup> beside the live one (same subnet group, security groups, parameter group)",
    docdb: "RestoreDBClusterFromSnapshot into a new cluster <id>-r<backup> (+ one instance) beside the live one",
    elasticache: "CreateReplicationGroup with SnapshotName: a new replication group <id>-r<backup> beside the live one",
    memorydb: "CreateCluster with SnapshotName: a new cluster <id>-r<backup> beside the live one",
    opensearch: "_restore into the same domain, indices renamed <domain>-r<backup>-<index> beside the live ones",
  }[t.fact.service];
  return { method: `${a.noun} (the service's own snapshot; no counts)`, restoreMethod: restore };
}

/** The result of a run: the record, its path, and the stores that did not end available (with why). */
export interface ManagedRunResult {
  path: string;
  manifest: ManagedManifest;
  failures: Array<{ kind: string; message: string }>;
}

/** Takes every target's snapshot, waits, records. Never throws for one store's failure. */
export async function runManagedBackup(targets: ManagedTarget[], o: ManagedRunOptions): Promise<ManagedRunResult> {
  const deps = o.deps ?? defaultAdapterDeps;
  const clock = o.clock ?? realClock;
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  const records = new Map<string, ManagedStoreRecord>();
  const failures: ManagedRunResult["failures"] = [];

  const one = async (t: ManagedTarget): Promise<void> => {
    const a = MANAGED_ADAPTERS[t.fact.service];
    const name = snapshotName(o.stack, t.kind, o.id, a.maxName);
    const rec: ManagedStoreRecord = {
      service: t.fact.service,
      region: t.fact.region,
      resource: t.fact.id,
      snapshot: name,
      state: "creating",
      startedAt: new Date(clock.now()).toISOString(),
      ...managedMethods(t),
      ...(t.fact.snapshotRepository ? { repository: { name: t.fact.snapshotRepository.name, bucket: t.fact.snapshotRepository.bucket } } : {}),
    };
    records.set(t.kind, rec);
    const what = `${t.kind}: ${a.noun} ${name} of ${t.fact.id}`;
    try {
      o.log(`${what}: starting`);
      const started = await a.create(t, name, snapshotTags(o.stack, t.kind, o.id), deps);
      if (started.arn) rec.arn = started.arn;
      const done = await waitUntilAvailable({ what, poll: () => a.describe(t, name, deps), timeoutMinutes: o.waitMinutes, clock, log: o.log });
      Object.assign(rec, { state: "available", completedAt: new Date(clock.now()).toISOString() });
      if (done.arn) rec.arn = done.arn;
      if (done.engineVersion) rec.engineVersion = done.engineVersion;
    } catch (err) {
      const message = errorText(err);
      const timedOut = (err as Error).name === "WaitTimeoutError";
      rec.state = timedOut ? "creating" : "failed";
      rec.error = message;
      failures.push({ kind: t.kind, message: message.startsWith(`${t.kind}:`) ? message : `${t.kind}: ${message}` });
    }
  };
  await Promise.all(targets.map(one));

  const manifest: ManagedManifest = {
    format: MANAGED_FORMAT,
    id: o.id,
    createdAt: new Date(clock.now()).toISOString(),
    polystoreVersion: o.polystoreVersion,
    stack: o.stack,
    stores: Object.fromEntries(targets.map((t) => [t.kind, records.get(t.kind)!])),
  };
  const path = writeManagedManifest(o.dir, manifest);
  return { path, manifest, failures };
}
