import type { ResourceValidationPolicy } from "@pulumi/policy";
import { label, must } from "./util";
import { containersOf, DOCKER_CONTAINER } from "./workloads";

/**
 * Every long-running container has a health check: a Docker `healthcheck`
 * test (not `NONE`), or Kubernetes readiness and liveness probes. Init
 * containers and Jobs/CronJobs run to completion and are exempt.
 */
export const containerHealthChecks: ResourceValidationPolicy = {
  name: "container-health-checks",
  description: "Every long-running container must have a health check (Docker healthcheck; Kubernetes readiness and liveness probes).",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: (args, report) => {
    const containers = containersOf(args.type, args.props).filter((c) => !c.init && c.longRunning);
    if (containers.length === 0) args.notApplicable("no long-running container");
    for (const c of containers) {
      if (args.type === DOCKER_CONTAINER) {
        if (!c.health.readiness) {
          report(must(`${label(args.type, args.name)}: no healthcheck`, "give the container a healthcheck test (the store spec's `healthcheck.shell`) so `wait: true` means healthy"));
        }
        continue;
      }
      const missing = [!c.health.readiness && "readinessProbe", !c.health.liveness && "livenessProbe"].filter(Boolean);
      if (missing.length > 0) {
        report(must(`${label(args.type, args.name)}${c.where}: no ${missing.join(" and no ")}`, "render the store spec's health check as readinessProbe and livenessProbe (exec probes)"));
      }
    }
  },
};
