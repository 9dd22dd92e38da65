import { Stack } from "@pulumi/pulumi/automation";
import { metaFromConfig, reviewState, type ReviewStackInfo, type ReviewState } from "./expiry";
import { prOfStack, shortStackName } from "./naming";
import { formatDuration, formatUtc } from "./ttl";
import { plainConfig, stackFileConfig, type ReviewWorkspace } from "./workspace";

/** The plain config values a stack's last update ran with (none if it never ran). */
export async function lastUpdateConfig(rw: ReviewWorkspace, name: string): Promise<Record<string, string>> {
  const stack = await Stack.select(name, rw.ws);
  const last = await stack.history(1, 1, false).catch(() => []);
  return plainConfig(last[0]?.config);
}

/** A review stack with its state at a given time. */
export interface ReviewStackRow extends ReviewStackInfo {
  state: ReviewState;
}

/**
 * Every review stack of the project on the backend, with PR, age and expiry.
 * The expiry is read from the local stack file when there is one, otherwise
 * from the config of the stack's last update (a CI checkout has no stack
 * files), so `list` and `gc` work from anywhere. Call it inside
 * `preservingSelection`: reading history selects each stack.
 */
export async function listReviewStacks(rw: ReviewWorkspace, now: Date): Promise<ReviewStackRow[]> {
  const summaries = await rw.ws.listStacks();
  const rows: ReviewStackRow[] = [];
  for (const s of summaries) {
    const pr = prOfStack(s.name);
    if (pr === undefined) continue;
    const stack = shortStackName(s.name);
    let source: ReviewStackInfo["source"] = "none";
    let meta = metaFromConfig((await stackFileConfig(rw.ws, stack)) ?? {});
    if (meta.expiresAt) source = "stack-file";
    else {
      const fromHistory = metaFromConfig(await lastUpdateConfig(rw, stack));
      if (fromHistory.expiresAt) {
        meta = fromHistory;
        source = "update-history";
      }
    }
    const info: ReviewStackInfo = {
      stack,
      pr,
      ...meta,
      lastUpdate: s.lastUpdate ? new Date(s.lastUpdate) : undefined,
      resourceCount: s.resourceCount,
      source,
    };
    rows.push({ ...info, state: reviewState(info, now) });
  }
  return rows.sort((a, b) => a.pr - b.pr);
}

/** JSON form of the rows (`list --json`). */
export function rowsToJson(rows: ReviewStackRow[], now: Date): unknown[] {
  return rows.map((r) => ({
    stack: r.stack,
    pr: r.pr,
    state: r.state,
    createdAt: r.createdAt?.toISOString() ?? null,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    ageSeconds: r.createdAt ? Math.round((now.getTime() - r.createdAt.getTime()) / 1000) : null,
    lastUpdate: r.lastUpdate?.toISOString() ?? null,
    resourceCount: r.resourceCount ?? null,
    expirySource: r.source,
  }));
}

/** A plain-text table of the rows. */
export function rowsToTable(rows: ReviewStackRow[], now: Date): string {
  if (rows.length === 0) return "No review stacks.";
  const header = ["STACK", "PR", "AGE", "EXPIRES", "STATE", "RESOURCES"];
  const body = rows.map((r) => {
    const left = r.expiresAt ? r.expiresAt.getTime() - now.getTime() : undefined;
    const expires = r.expiresAt
      ? `${formatUtc(r.expiresAt)} (${left! > 0 ? `in ${formatDuration(left!)}` : `${formatDuration(left!)} ago`})`
      : "not recorded";
    return [
      r.stack,
      `#${r.pr}`,
      r.createdAt ? formatDuration(now.getTime() - r.createdAt.getTime()) : "-",
      expires,
      r.state,
      r.resourceCount === undefined ? "-" : String(r.resourceCount),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  return [header, ...body].map((row) => row.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}
