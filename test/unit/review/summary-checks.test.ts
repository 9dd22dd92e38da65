/**
 * The review PR comment's init-script ledgers and policy summary: rendering
 * (secrets still scrubbed), the ledger collection's failure paths, and the
 * offline policy check of the shipped review template.
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { POLICIES } from "../../../policies/pack";
import { collectLedgers, collectPolicy } from "../../../stacks/review/checks";
import { checkLines, renderSummary, type OutputValue } from "../../../stacks/review/summary";

const ROOT = path.resolve(__dirname, "../../..");
const now = new Date("2026-06-10T12:00:00Z");
const expiresAt = new Date("2026-06-13T12:00:00Z");
const PW = "S3cretLedgerPw!";

describe("review comment: ledgers and policy summary", () => {
  it("renders each store's applied and pending scripts, and the policy totals and violations", () => {
    expect(checkLines(
      [{ store: "postgres", applied: ["001_tenancy.sql"], pending: ["002_archived_sessions.sql"] }, { store: "redis", applied: [], pending: [], error: "redis at h:1 did not answer" }],
      { policies: 36, resources: 14, violations: [{ policy: "pinned-images", resource: "RemoteImage redis-image", level: "mandatory" }, { policy: "aws-cost-tags", resource: "stack", level: "advisory" }] },
    )).toEqual([
      "#### Init scripts", "",
      "| Store | Applied | Pending |", "| --- | --- | --- |",
      "| postgres | `001_tenancy.sql` | `002_archived_sessions.sql` |",
      "| redis | ledger not read: redis at h:1 did not answer | |",
      "",
      "#### Policy check", "",
      "36 policies, 14 resources, 1 mandatory violation, 1 advisory.",
      "", "| Policy | Resource | Level |", "| --- | --- | --- |",
      "| `pinned-images` | RemoteImage redis-image | mandatory |",
      "| `aws-cost-tags` | stack | advisory |",
      "",
    ]);
    expect(checkLines(undefined, undefined)).toEqual([]);
  });

  it("the summary includes the sections and still scrubs secrets from them", () => {
    const outputs: Record<string, OutputValue> = { connections: { secret: true, value: { postgres: { admin: { password: PW } } } } };
    const md = renderSummary({ stack: "review-pr-3", pr: 3, expiresAt, ttl: "72h", outputs, now, ledgers: [{ store: "postgres", applied: [], pending: [], error: `auth failed for ${PW}` }], policy: { policies: 36, resources: 1, violations: [] } });
    expect(md).toContain("#### Init scripts");
    expect(md).toContain("| postgres | ledger not read: auth failed for [secret] | |");
    expect(md).toContain("36 policies, 1 resources, 0 mandatory violations, 0 advisory.");
    expect(md).not.toContain(PW);
  });

  it("collectLedgers: no connections output → no rows; an unreadable one → one error row; a store that does not answer → its error", async () => {
    expect(await collectLedgers({})).toEqual([]);
    const bad = await collectLedgers({ connections: { secret: true, value: { postgres: { kind: "postgres" } } } });
    expect(bad).toHaveLength(1);
    expect(bad[0]!.error).toMatch(/^connections output unreadable: /);
    const down = await collectLedgers({
      connections: { secret: true, value: { redis: { kind: "redis", host: "127.0.0.1", port: 1, tls: false, database: "0", admin: { user: "default", password: PW }, app: { user: "app", password: PW } } } },
    }, 300);
    expect(down).toEqual([{ store: "redis", applied: [], pending: [], error: expect.stringContaining("redis at 127.0.0.1:1 did not answer within 300 ms") }]);
    expect(JSON.stringify(down)).not.toContain(PW);
  });

  it("collectPolicy runs the pack on the review template: every policy, no mandatory violation", async () => {
    const p = await collectPolicy(path.join(ROOT, "Pulumi.review.yaml"));
    expect(p.error).toBeUndefined();
    expect(p.policies).toBe(POLICIES.length);
    expect(p.resources).toBeGreaterThan(0);
    expect(p.violations.filter((v) => v.level === "mandatory")).toEqual([]);
  }, 120_000);
});
