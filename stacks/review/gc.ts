import { selectExpired } from "./expiry";
import { destroyReviewStack } from "./down";
import { listReviewStacks, type ReviewStackRow } from "./list";
import { formatUtc } from "./ttl";
import type { ReviewWorkspace } from "./workspace";

/** What happened to one expired stack. */
export interface GcEntry {
  stack: string;
  pr: number;
  expiresAt: string;
  outcome: "destroyed" | "absent" | "failed" | "would-destroy";
  error?: string;
}

/** The whole gc run. */
export interface GcReport {
  checked: number;
  entries: GcEntry[];
  /** Review stacks without a recorded expiry (left alone). */
  unknown: string[];
  failed: number;
}

/**
 * Destroys and removes every review stack past its expiry at `now`, one at
 * a time, carrying on past failures; each outcome is reported.
 */
export async function reviewGc(
  rw: ReviewWorkspace,
  now: Date,
  opts: { dryRun: boolean; write: (s: string) => void; log: (line: string) => void },
): Promise<GcReport> {
  const rows: ReviewStackRow[] = await listReviewStacks(rw, now);
  const expired = selectExpired(rows, now);
  const report: GcReport = {
    checked: rows.length,
    entries: [],
    unknown: rows.filter((r) => r.state === "unknown").map((r) => r.stack),
    failed: 0,
  };
  opts.log(`gc: ${rows.length} review stack(s), ${expired.length} expired at ${formatUtc(now)}${opts.dryRun ? " (dry run)" : ""}`);
  for (const r of expired) {
    const base = { stack: r.stack, pr: r.pr, expiresAt: r.expiresAt!.toISOString() };
    if (opts.dryRun) {
      report.entries.push({ ...base, outcome: "would-destroy" });
      opts.log(`gc: ${r.stack} (PR #${r.pr}, expired ${formatUtc(r.expiresAt!)}): would destroy`);
      continue;
    }
    opts.log(`gc: ${r.stack} (PR #${r.pr}, expired ${formatUtc(r.expiresAt!)}): destroying`);
    try {
      const res = await destroyReviewStack(rw, r.stack, opts.write);
      report.entries.push({ ...base, outcome: res.outcome });
      opts.log(`gc: ${r.stack}: ${res.outcome === "absent" ? "already gone" : "destroyed and removed"}`);
    } catch (err) {
      report.failed++;
      const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
      report.entries.push({ ...base, outcome: "failed", error: message });
      opts.log(`gc: ${r.stack}: FAILED: ${message}`);
    }
  }
  for (const s of report.unknown) opts.log(`gc: ${s}: no expiry recorded, left alone (remove it with \`npm run review -- down --pr <n>\`)`);
  return report;
}
