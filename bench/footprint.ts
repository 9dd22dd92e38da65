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

export function benchFootprint(dev: Snapshot): Section {
  const containers = dev.resources.filter((r) => r.type === "docker:index/container:Container");
  const perContainer = Object.fromEntries(containers.map((c) => [c.name, Number(c.inputs.memory ?? NaN)]));
  const missing = Object.entries(perContainer).filter(([, mb]) => !Number.isFinite(mb)).map(([n]) => n);
  const total = Object.values(perContainer).filter(Number.isFinite).reduce((a, b) => a + b, 0);
  const budget = parseConfig(readStackFile(join(ROOT, "Pulumi.dev.yaml")).polystore).docker.memoryBudgetMb;
  return {
    id: "footprint",
    title: "5. Footprint of the dev stack (memory limits asked of Docker)",
    figures: [
      figure("footprint.total_mb", `sum of ${containers.length} containers' memory limits`, "MB", [total]),
      figure("footprint.budget_mb", "polystore:docker.memoryBudgetMb", "MB", [budget]),
      figure("footprint.used_over_budget", "used_over_budget", "ratio", [total / budget], { target: { op: "<=", value: 1 } }),
    ],
    details: { perContainerMb: perContainer, containersWithoutLimit: missing },
    notes: [
      "A configuration fact, not a timing: the same in every run (min = median = max).",
      ...(missing.length ? [`containers without a memory limit: ${missing.join(", ")}`] : []),
    ],
  };
}
