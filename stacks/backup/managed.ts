/**
 * The CLI side of managed snapshots on target aws (components/backup/managed): which stores are
 * managed (from the stack output `stores`), the run, list rows, prune, and restore beside.
 * A mixed stack: stores on aws with a managed resource get the service's own snapshot, the others
 * (docker, kubernetes, external) are dumped into the archive as before, under the SAME run id.
 */
import { existsSync } from "node:fs";
import type { StoreKind } from "../../components/core/types";
import { STORE_KINDS } from "../../components/core/types";
import { storesFromStack, type StoresOutput } from "../../components/init/stores-output";
import type { Connections } from "../../components/init/connections";
import { PROJECT_ROOT } from "../../components/init/project-root";
import { managedManifestPath, readManagedManifest, type ManagedManifest } from "../../components/backup/managed/manifest";
import { managedRestoreProblems, restoreManagedBeside } from "../../components/backup/managed/restore";
import type { AdapterDeps, ManagedTarget } from "../../components/backup/managed/types";
import type { Clock } from "../../components/backup/managed/wait";
import { ArchiveError } from "../../components/backup/archive";
import { CliUsageError, EnvironmentNotReady, EXIT } from "../cli/exit";
import type { CliIO } from "./common";

/** What the tests replace: the stack output, the AWS HTTP layer, the clock. */
export interface ManagedDeps {
  storesOutput?(stack: string): Promise<StoresOutput>;
  /** The connections of the stores dumped beside the managed ones (default: --connections or the stack's output). */
  connections?(stack: string): Promise<Connections>;
  adapters?: AdapterDeps;
  clock?: Clock;
}

/** The stack's `stores` output (a missing Pulumi CLI / stack is "environment not ready", exit 3). */
export async function loadStoresOutput(stack: string, deps: ManagedDeps): Promise<StoresOutput> {
  if (deps.storesOutput) return deps.storesOutput(stack);
  try {
    return await storesFromStack(stack, PROJECT_ROOT);
  } catch (err) {
    if ((err as { exitCode?: number }).exitCode === 3) throw new EnvironmentNotReady((err as Error).message);
    throw new CliUsageError((err as Error).message);
  }
}

/**
 * Splits the selected stores into managed targets and stores to dump. Throws (exit 2, all problems
 * at once) for a --store the stack does not have, and for an aws store without a managed resource
 * in the output (unless `dump`: then every store is dumped over its connection).
 */
export function partitionStores(stores: StoresOutput, wanted: StoreKind[] | undefined, stack: string, dump: boolean): { managed: ManagedTarget[]; dumped: StoreKind[] } {
  const problems: string[] = [];
  const kinds = wanted ?? STORE_KINDS.filter((k) => stores[k]);
  const managed: ManagedTarget[] = [];
  const dumped: StoreKind[] = [];
  for (const kind of kinds) {
    const s = stores[kind];
    if (!s) problems.push(`--store ${kind}: stack ${stack} has no ${kind} store (it has: ${Object.keys(stores).join(", ") || "none"})`);
    else if (dump || s.target !== "aws") dumped.push(kind);
    else if (!s.managed) problems.push(`${kind}: target aws, but stack ${stack}'s output "stores" has no "managed" entry for it (deployed before managed snapshots?); run pulumi up --stack ${stack}, or pass --dump to back it up over its connection`);
    else managed.push({ kind, fact: s.managed, host: s.host });
  }
  if (problems.length) throw new CliUsageError(problems.join("\n"));
  return { managed, dumped };
}

/** Every managed store of the output, as targets. */
export function allManagedTargets(stores: StoresOutput): ManagedTarget[] {
  return STORE_KINDS.filter((k) => stores[k]?.managed).map((k) => ({ kind: k, fact: stores[k]!.managed!, host: stores[k]!.host }));
}

/** The managed record of `id` in `dir`, if any (checked: a polystore record of this stack). */
export function managedRecord(dir: string, id: string, stack: string): ManagedManifest | undefined {
  const path = managedManifestPath(dir, id);
  if (!existsSync(path)) return undefined;
  const m = readManagedManifest(path);
  if (m.stack !== stack) throw new ArchiveError(`${path} is a managed backup of stack "${m.stack}", not "${stack}"; pass --stack ${m.stack}`);
  return m;
}

/**
 * `npm run restore` of a managed backup: checks, confirmation, restore beside, endpoints and
 * switch-over steps. Returns the exit code.
 */
export async function restoreManaged(
  m: ManagedManifest,
  wanted: StoreKind[] | undefined,
  o: { stack: string; yes: boolean; verifyOnly: boolean; waitMinutes: number },
  io: CliIO,
  deps: ManagedDeps,
): Promise<number> {
  const kinds = wanted ?? (Object.keys(m.stores) as StoreKind[]);
  const stores = await loadStoresOutput(o.stack, deps);
  const targets = new Map(allManagedTargets(stores).map((t) => [t.kind, t]));
  const problems = await managedRestoreProblems(m, targets, kinds, deps.adapters);
  if (problems.length) throw new ArchiveError(`managed backup ${m.id} cannot be restored; nothing was made:\n${problems.join("\n")}`);
  if (o.verifyOnly) {
    for (const k of kinds) io.out(`  ${k.padEnd(13)} ${m.stores[k]!.service} ${m.stores[k]!.snapshot}: available (${m.stores[k]!.engineVersion ?? "engine version not recorded"})\n`);
    io.out(`managed backup ${m.id}: ${kinds.length} snapshot(s) available; counts are not recorded for managed snapshots\n`);
    return EXIT.ok;
  }
  if (!o.yes) {
    if (!io.isTTY) throw new CliUsageError("refusing to restore without confirmation: stdin is not a terminal; pass --yes");
    const answer = await io.ask(`restore managed backup ${m.id} of ${kinds.join(", ")} BESIDE the live resources (new, billed resources)? type "yes": `);
    if (answer.trim() !== "yes") {
      io.err("restore: not confirmed; nothing was done\n");
      return EXIT.failed;
    }
  }
  const { restored, failures } = await restoreManagedBeside(m, targets, kinds, { stack: o.stack, waitMinutes: o.waitMinutes, log: (x) => io.err(`${x}\n`), deps: deps.adapters, clock: deps.clock });
  for (const r of restored) {
    io.out(`${r.kind}: restored beside the live resource as ${r.restoredId}, endpoint ${r.endpoint}\n  to switch the applications over:\n`);
    r.steps.forEach((s, i) => io.out(`    ${i + 1}. ${s}\n`));
  }
  if (failures.length) {
    io.err(`restore: ${failures.length} store(s) failed (the live resources were not touched):\n${failures.join("\n")}\n`);
    return EXIT.failed;
  }
  return EXIT.ok;
}
