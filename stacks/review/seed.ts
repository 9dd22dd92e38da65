/**
 * `review up --seed <snapshot>`: after `pulumi up`, load a named snapshot
 * (`npm run snapshot -- save`) into the review stack's stores through the
 * backup machinery (stacks/backup): archive checks, staging restore, count and
 * ledger verification. The stack is new, so its init-script data is replaced
 * (`force`) without asking.
 */
import { listArchives, planRestore } from "../../components/backup/engine";
import { parseConnections } from "../../components/init/connections";
import { restoreAndVerify, type CliIO } from "../backup/common";
import { snapshotDir } from "../backup/snapshot";
import { EXIT, ReviewError } from "./errors";
import type { OutputValue } from "./summary";

/** Throws before anything is created when the snapshot does not exist. */
export function requireSnapshot(seed: string): void {
  if (!listArchives(snapshotDir(seed)).length) {
    throw new ReviewError(`--seed ${seed}: no such snapshot in ${snapshotDir(seed)} (save one with npm run snapshot -- save --stack <s> --name ${seed})`, [], EXIT.usage);
  }
}

/** Loads snapshot `seed` into the stores of the stack whose outputs are given; returns the exit code. */
export async function seedReviewStack(seed: string, stack: string, outputs: Record<string, OutputValue>, write: (s: string) => void): Promise<number> {
  const raw = outputs.connections?.value;
  if (!raw) throw new ReviewError(`${stack}: the stack has no "connections" output to seed`);
  const conns = parseConnections(typeof raw === "string" ? JSON.parse(raw) : raw, `stack ${stack} output "connections"`);
  const newest = listArchives(snapshotDir(seed))[0]!;
  const plan = await planRestore(snapshotDir(seed), newest.id, undefined, Object.keys(conns).filter((k) => conns[k as keyof typeof conns]) as never);
  const io: CliIO = { out: write, err: write, isTTY: false, ask: async () => "" };
  try {
    write(`Seeding ${stack} from snapshot ${seed} (${newest.id})\n`);
    return await restoreAndVerify(conns, plan, { force: true, yes: true, target: `stack ${stack}` }, io);
  } finally {
    plan.archive.remove();
  }
}
