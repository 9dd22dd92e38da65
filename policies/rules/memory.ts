import type { ResourceValidationPolicy } from "@pulumi/policy";
import { label, must } from "./util";
import { containersOf } from "./workloads";

/** Every container has a memory limit: Docker `memory` (MB), Kubernetes `resources.limits.memory`. */
export const containerMemoryLimits: ResourceValidationPolicy = {
  name: "container-memory-limits",
  description: "Every container and pod must have a memory limit.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: (args, report) => {
    const containers = containersOf(args.type, args.props);
    if (containers.length === 0) args.notApplicable("not a container or workload");
    for (const c of containers) {
      if (c.memoryLimit) continue;
      const fix =
        args.type === "docker:index/container:Container"
          ? "set the container's `memory` (MB) — polystore:stores.<store>.memoryMb, within polystore:docker.memoryBudgetMb"
          : "set resources.limits.memory on the container (polystore:stores.<store>.memoryMb)";
      report(must(`${label(args.type, args.name)}${c.where}: no memory limit`, fix));
    }
  },
};
