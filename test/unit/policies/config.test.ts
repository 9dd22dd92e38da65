/** Enforcement levels and settings from the policy-pack config, with the engine's semantics. */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { POLICIES } from "../../../policies/pack";
import { loadPolicyConfig, PolicyConfigError, reconcile } from "../../../policies/offline/config";
import { runPolicies } from "../../../policies/offline/run";
import { snapshot } from "./harness";
import { rdsPostgres } from "./fixtures";

const ROOT = path.resolve(__dirname, "../../..");

describe("policy-pack config", () => {
  it("starts every policy at its own level with its schema defaults", () => {
    const cfg = reconcile(POLICIES, undefined);
    for (const p of POLICIES) expect(cfg.get(p.name)?.enforcementLevel).toBe(p.enforcementLevel);
    expect(cfg.get("aws-backup-retention")?.properties).toEqual({ minRetentionDays: 7, requireFinalSnapshot: true });
    expect(cfg.get("aws-cost-tags")?.properties).toEqual({ requiredTags: ["owner", "cost-centre"] });
  });

  it('applies "all" first, then each policy (a level or an object)', () => {
    const cfg = reconcile(POLICIES, { all: "advisory", "pinned-images": "mandatory", "aws-high-availability": { enforcementLevel: "disabled", minInstances: 3 } });
    expect(cfg.get("container-memory-limits")?.enforcementLevel).toBe("advisory");
    expect(cfg.get("pinned-images")?.enforcementLevel).toBe("mandatory");
    expect(cfg.get("aws-high-availability")).toEqual({ enforcementLevel: "disabled", properties: { minInstances: 3 } });
  });

  it("reports every problem at once, naming the policy and property", () => {
    let err: PolicyConfigError | undefined;
    try {
      reconcile(POLICIES, { all: "strict", "pinned-images": { tags: ["x"] }, "aws-backup-retention": { minRetentionDays: "seven" }, "no-such-policy": "advisory" });
    } catch (e) {
      err = e as PolicyConfigError;
    }
    expect(err).toBeInstanceOf(PolicyConfigError);
    expect(err!.problems).toEqual([
      'all: expected one of advisory, mandatory, remediate, disabled, got "strict"',
      "pinned-images.tags: unknown property (this policy only takes enforcementLevel)",
      'aws-backup-retention.minRetentionDays: expected integer, got "seven"',
      expect.stringMatching(/^no-such-policy: no such policy \(expected one of pinned-images, /),
    ]);
  });

  it("policies/policy-config.json is valid and sets every policy explicitly", () => {
    const file = path.join(ROOT, "policies/policy-config.json");
    const raw = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    expect(Object.keys(raw).sort()).toEqual(POLICIES.map((p) => p.name).sort());
    const cfg = loadPolicyConfig(POLICIES, file);
    // The file restates the defaults: same levels as the policies declare.
    for (const p of POLICIES) expect(cfg.get(p.name)?.enforcementLevel).toBe(p.enforcementLevel);
  });

  it("levels change outcomes: disabled skips a policy, advisory downgrades it, settings reach getConfig", async () => {
    const snap = snapshot(rdsPostgres());
    (snap.resources[1].inputs as Record<string, unknown>).storageEncrypted = false;
    const mandatory = await runPolicies(snap, POLICIES, reconcile(POLICIES, undefined));
    expect(mandatory.find((v) => v.policy === "aws-storage-encrypted")?.level).toBe("mandatory");
    const advisory = await runPolicies(snap, POLICIES, reconcile(POLICIES, { "aws-storage-encrypted": "advisory" }));
    expect(advisory.find((v) => v.policy === "aws-storage-encrypted")?.level).toBe("advisory");
    const disabled = await runPolicies(snap, POLICIES, reconcile(POLICIES, { "aws-storage-encrypted": "disabled" }));
    expect(disabled.some((v) => v.policy === "aws-storage-encrypted")).toBe(false);
    // The fixture keeps 7 days of backups: compliant by default, not when 14 are required.
    expect(mandatory.some((v) => v.policy === "aws-backup-retention")).toBe(false);
    const stricter = await runPolicies(snap, POLICIES, reconcile(POLICIES, { "aws-backup-retention": { minRetentionDays: 14 } }));
    expect(stricter.find((v) => v.policy === "aws-backup-retention")?.message).toContain("backupRetentionPeriod is 7, below 14 days");
  });
});
