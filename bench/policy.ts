/**
 * Part 4, Policy check:
 * - wall time of `npm run policy:check -- --all` (every Pulumi.<stack>.yaml in the root);
 * - how the policy evaluation grows with the number of resources: the dev
 *   stack is evaluated once under mocks (policies/check.ts evaluateStack),
 *   its resources are copied N times (1…50, renamed, links rewired), and the
 *   same runPolicies() over the same POLICIES and policy config runs on them.
 */
import { join } from "node:path";
import { evaluateStack, policyConfigFor } from "../policies/check";
import { loadPolicyConfig } from "../policies/offline/config";
import { runPolicies } from "../policies/offline/run";
import type { Snapshot } from "../policies/offline/snapshot";
import { POLICIES } from "../policies/pack";
import type { BenchContext, Section } from "./context";
import { replicate } from "./replicate";
import { ROOT, runTimed, tail } from "./proc";
import { figure, median, rotate, timed, type Figure } from "./stats";

export const COPIES = [1, 2, 5, 10, 25, 50];

export async function benchPolicy(ctx: BenchContext, dev: Snapshot): Promise<Section> {
  const notes: string[] = [];
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};

  // The CLI as users run it.
  const wall: number[] = [];
  let summary = "";
  let works = true;
  let stacks: string[] = [];
  for (let i = 0; i < ctx.iterations; i++) {
    const t = await runTimed("npm", ["run", "--silent", "policy:check", "--", "--all"]);
    summary = (/\d+ policies, \d+ resources.*$/m.exec(t.stdout)?.[0] ?? "").trim();
    stacks = [...t.stdout.matchAll(/^stack (\S+) \(/gm)].map((m) => m[1]!);
    if (t.code === 2 || !summary) {
      works = false;
      notes.push(`npm run policy:check -- --all exited ${t.code}: ${tail(t, 4).replace(/\n/g, " | ")}`);
      if (!summary) break;
    }
    wall.push(t.ms / 1000);
    ctx.log(`policy ${i + 1}/${ctx.iterations}: npm run policy:check -- --all ${(t.ms / 1000).toFixed(1)} s (${summary})`);
  }
  details.checkAll = { summary, stacks, works };
  notes.push(`--all evaluated ${stacks.length} stack file(s) found in the repository root: ${stacks.join(", ")} (${summary}).`);
  if (wall.length) figures.push(figure("policy.check_all_s", `npm run policy:check -- --all (${stacks.length} stacks)`, "s", wall));

  // One stack's program under mocks (a child process per stack, as check.ts does it).
  const evalS: number[] = [];
  for (let i = 0; i < Math.min(ctx.iterations, 5); i++) {
    const { ms, value } = await timed(() => evaluateStack(join(ROOT, "Pulumi.dev.yaml")));
    if (value.error) throw new Error(`evaluating Pulumi.dev.yaml failed: ${value.error.message}`);
    evalS.push(ms / 1000);
  }
  figures.push(figure("policy.evaluate_dev_s", `evaluate dev stack under mocks (${dev.resources.length} resources)`, "s", evalS));

  // Scaling of the policy evaluation itself.
  const config = loadPolicyConfig(POLICIES, policyConfigFor(join(ROOT, "Pulumi.dev.yaml")));
  const snaps = COPIES.map((n) => replicate(dev, n));
  const times: number[][] = COPIES.map(() => []);
  const violations: number[] = COPIES.map(() => 0);
  await runPolicies(snaps[0]!, POLICIES, config); // warm-up (JIT, lazy module loads)
  for (let i = 0; i < ctx.iterations; i++) {
    for (const j of rotate(COPIES.map((_, k) => k), i)) {
      const { ms, value } = await timed(() => runPolicies(snaps[j]!, POLICIES, config));
      times[j]!.push(ms);
      violations[j] = value.length;
    }
  }
  const perResource = COPIES.map((_, j) => median(times[j]!) / snaps[j]!.resources.length);
  COPIES.forEach((n, j) => {
    figures.push(figure(`policy.copies_${n}_ms`, `  policies over ${n} cop${n === 1 ? "y" : "ies"} of dev (${snaps[j]!.resources.length} resources)`, "ms", times[j]!, { note: `${violations[j]} violations` }));
  });
  const growth = (median(times.at(-1)!) / median(times[0]!)) / (snaps.at(-1)!.resources.length / snaps[0]!.resources.length);
  details.scaling = {
    copies: COPIES,
    resources: snaps.map((s) => s.resources.length),
    medianMs: times.map((t) => Math.round(median(t) * 100) / 100),
    msPerResource: perResource.map((x) => Math.round(x * 1000) / 1000),
    violations,
    /** 1 = linear; above 1 = worse than linear. */
    growthVsLinear: Math.round(growth * 100) / 100,
  };
  notes.push(
    `Policy evaluation alone grows ${growth.toFixed(2)}× as fast as linear from 1 to ${COPIES.at(-1)} copies (1 = linear).`,
    "Copies keep the dev stack's host ports and container names, so from 2 copies on the loopback-port and naming rules may report clashes; that is what a shared Docker host would also get.",
  );
  return { id: "policy", title: "4. Policy check", figures, details, notes };
}
