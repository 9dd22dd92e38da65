/**
 * Part 5, Footprint: the memory limits the dev stack asks Docker for (sum of
 * every docker:index/container:Container `memory`, MB, as registered when
 * Pulumi.dev.yaml is evaluated under mocks) against polystore:docker.memoryBudgetMb.
 */
import { join } from "node:path";
import type { Snapshot } from "../policies/offline/snapshot";
import { readStackFile } from "../policies/offline/stackfile";
import { parseConfig } from "../stacks/config";
import type { Section } from "./context";
import { ROOT } from "./proc";
import { figure } from "./stats";

/**
 * @param dev the dev stack as rendered under mocks (its docker containers' `memory` inputs are summed)
 * @param budgetMb the budget to compare with; default: polystore:docker.memoryBudgetMb of the snapshot's own stack file
 */
export function benchFootprint(dev: Snapshot, budgetMb?: number): Section {
  const containers = dev.resources.filter((r) => r.type === "docker:index/container:Container");
  if (containers.length === 0) throw new Error(`footprint: ${dev.file} rendered no docker:index/container:Container (nothing to measure)`);
  const perContainer = Object.fromEntries(containers.map((c) => [c.name, Number(c.inputs.memory ?? NaN)]));
  // No `memory` (or Docker's 0 = no limit): the container may use all the host's memory, so the
  // stack's footprint is unbounded and the ratio is infinite, never "within budget".
  const unbounded = Object.entries(perContainer).filter(([, mb]) => !Number.isFinite(mb) || mb <= 0).map(([n]) => n);
  const total = unbounded.length ? Infinity : Object.values(perContainer).reduce((a, b) => a + b, 0);
  const budget = budgetMb ?? parseConfig(readStackFile(join(ROOT, dev.file)).polystore).docker.memoryBudgetMb;
  return {
    id: "footprint",
    title: "5. Footprint of the dev stack (memory limits asked of Docker)",
    figures: [
      figure("footprint.total_mb", `sum of ${containers.length} containers' memory limits`, "MB", [total]),
      figure("footprint.budget_mb", "polystore:docker.memoryBudgetMb", "MB", [budget]),
      figure("footprint.used_over_budget", "used_over_budget", "ratio", [total / budget], { target: { op: "<=", value: 1 } }),
    ],
    details: { perContainerMb: perContainer, containersWithoutLimit: unbounded },
    notes: [
      "A configuration fact, not a timing: the same in every run (min = median = max).",
      ...(unbounded.length ? [`containers without a memory limit (unbounded: used_over_budget is infinite): ${unbounded.join(", ")}`] : []),
    ],
  };
}
