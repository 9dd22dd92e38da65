/**
 * What the review stack's PR comment adds after `pulumi up`: each store's
 * init-script ledger (applied / pending files, read-only like `migrate status`)
 * and the offline policy check of the review template. Never throws: a
 * failure becomes an error line in the comment (no secrets: runner errors are masked).
 */
import * as path from "node:path";
import { createAdapter, runStore } from "../../components/init";
import { parseConnections } from "../../components/init/connections";
import { discoverScripts } from "../../components/init/scripts";
import { SCRIPT_EXTENSIONS } from "../../components/init/lint";
import { defaultScriptsDir } from "../../components/init/runner";
import type { StoreKind } from "../../components/core/types";
import { POLICIES } from "../../policies/pack";
import { checkStack, policyConfigFor } from "../../policies/check";
import { loadPolicyConfig } from "../../policies/offline/config";
import type { LedgerRow, OutputValue, PolicySummary } from "./summary";

/** Each store's ledger from the stack's secret `connections` output; [] when the stack has none. */
export async function collectLedgers(outputs: Record<string, OutputValue>, waitTimeoutMs = 15_000): Promise<LedgerRow[]> {
  const raw = outputs.connections?.value;
  if (!raw || typeof raw !== "object") return [];
  let connections;
  try {
    connections = parseConnections(raw, "stack output connections");
  } catch (err) {
    return [{ store: "-", applied: [], pending: [], error: `connections output unreadable: ${(err as Error).message.split("\n")[0]}` }];
  }
  const kinds = (Object.keys(connections) as StoreKind[]).sort();
  return Promise.all(
    kinds.map(async (kind): Promise<LedgerRow> => {
      const conn = connections[kind]!;
      const report = await runStore(conn, await createAdapter(conn), "status", { waitTimeoutMs });
      if (!report.ok) return { store: kind, applied: [], pending: [], error: report.error ?? "unknown error" };
      const names = new Map(discoverScripts(defaultScriptsDir(kind), SCRIPT_EXTENSIONS[kind]).map((s) => [s.version, s.fileName]));
      const name = (v: number) => names.get(v) ?? String(v);
      return { store: kind, applied: report.skipped.map(name), pending: report.pending.map(name) };
    }),
  );
}

/** The offline policy check of `stackFile` (the review template), as the comment shows it. */
export async function collectPolicy(stackFile: string): Promise<PolicySummary> {
  try {
    const result = await checkStack(stackFile, loadPolicyConfig(POLICIES, policyConfigFor(stackFile)));
    if (result.error) return { policies: POLICIES.length, resources: 0, violations: [], error: result.error.message };
    return {
      policies: POLICIES.length,
      resources: result.resources,
      violations: result.violations.map((v) => ({ policy: v.policy, resource: v.resource, level: v.level })),
    };
  } catch (err) {
    return { policies: POLICIES.length, resources: 0, violations: [], error: (err as Error).message };
  }
}

/** Both, for `review up` (the template is the stack file the review stack was filled from). */
export async function collectChecks(outputs: Record<string, OutputValue>, workDir: string, template: string): Promise<{ ledgers: LedgerRow[]; policy: PolicySummary }> {
  const [ledgers, policy] = await Promise.all([collectLedgers(outputs), collectPolicy(path.resolve(workDir, template))]);
  return { ledgers, policy };
}
