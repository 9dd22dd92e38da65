/**
 * A deliberately broken stack fails, naming each policy it breaks:
 * test/fixtures/Pulumi.broken.yaml (valid config, bad choices) through the
 * CLI, and test/fixtures/broken-resources.ts (what the schema would refuse)
 * through the whole pack.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { POLICIES } from "../../../policies/pack";
import { reconcile } from "../../../policies/offline/config";
import { runPolicies } from "../../../policies/offline/run";
import { BROKEN_POLICIES, BROKEN_RESOURCES } from "../../fixtures/broken-resources";
import { snapshot } from "./harness";

const ROOT = path.resolve(__dirname, "../../..");

describe("broken stack", () => {
  it("Pulumi.broken.yaml: exit 1, a row per violation, the summary line", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "policies/check.ts", "--stack-file", "test/fixtures/Pulumi.broken.yaml"], { cwd: ROOT, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(1);
    const rows = r.stdout.split("\n").filter((l) => /^[a-z0-9-]+\s{2,}.*\s{2}mandatory\s{2}/.test(l));
    const policies = new Set(rows.map((l) => l.split(/\s+/)[0]));
    expect([...policies].sort()).toEqual(["connection-secrets-written", "database-ports-loopback", "redis-eviction-policy"]);
    // Both containers are published on 0.0.0.0; both stores lack a sink.
    expect(rows.filter((l) => l.startsWith("database-ports-loopback"))).toHaveLength(2);
    expect(rows.filter((l) => l.startsWith("connection-secrets-written"))).toHaveLength(2);
    expect(r.stdout.trimEnd().split("\n").pop()).toMatch(/^37 policies, \d+ resources, 5 mandatory violations, 0 advisory violations$/);
  }, 120_000);

  it("the resource-level broken stack breaks public, unencrypted, latest image, no backups (and more)", async () => {
    const violations = await runPolicies(snapshot(BROKEN_RESOURCES), POLICIES, reconcile(POLICIES, undefined));
    const broken = new Set(violations.filter((v) => v.level === "mandatory").map((v) => v.policy));
    for (const [policy, what] of Object.entries(BROKEN_POLICIES)) expect(broken.has(policy), `${policy} (${what})`).toBe(true);
    const text = violations.map((v) => `${v.policy}: ${v.message}`).join("\n");
    expect(text).toContain("aws-not-publicly-accessible: Instance postgres-db: publiclyAccessible is true");
    expect(text).toContain("aws-storage-encrypted: Instance postgres-db: storageEncrypted is not true");
    expect(text).toContain("pinned-images: RemoteImage redis-image: image redis:latest uses the moving tag latest");
    expect(text).toContain("aws-backup-retention: Instance postgres-db: backupRetentionPeriod is 0, below 7 days");
  });
});
