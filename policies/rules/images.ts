import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { known, label, must } from "./util";
import { containersOf, DOCKER_IMAGE } from "./workloads";

/**
 * Why an image reference is not pinned, or undefined when it is: a digest
 * (`name@sha256:…`), a Docker image ID (`sha256:…`, what a container gets
 * from a RemoteImage), or a tag other than `latest`.
 */
export function unpinnedReason(ref: string): string | undefined {
  if (/^sha256:[0-9a-z-]+$/i.test(ref)) return undefined;
  if (/@sha256:[0-9a-f]{64}$/.test(ref)) return undefined;
  const last = ref.split("/").pop() ?? ref;
  const colon = last.lastIndexOf(":");
  if (colon < 0) return `image ${ref} has no tag (it floats to latest)`;
  const tag = last.slice(colon + 1);
  if (tag === "") return `image ${ref} has an empty tag`;
  if (tag === "latest") return `image ${ref} uses the moving tag latest`;
  return undefined;
}

const FIX = "pin an exact version tag or digest (e.g. postgres:16.4-alpine or name@sha256:…), in polystore:stores.<store>.image or the component's catalog";

/**
 * Calls `check(where, ref)` for every image reference a resource names: a Docker
 * RemoteImage's name, a Docker container's image, every Kubernetes pod-spec
 * container's. Unknown values (preview) are skipped: a RemoteImage is checked on its own.
 */
export function eachImage(args: ResourceValidationArgs, check: (where: string, ref: string) => void): void {
  if (args.type === DOCKER_IMAGE) {
    const ref = known(() => args.props.name);
    if (typeof ref === "string") check(label(args.type, args.name), ref);
    return;
  }
  const containers = containersOf(args.type, args.props);
  if (containers.length === 0) args.notApplicable("not a container image or workload");
  for (const c of containers) if (typeof c.image === "string") check(`${label(args.type, args.name)}${c.where}`, c.image);
}

/** Images are pinned to an exact tag or digest: Docker images and containers, and every Kubernetes pod-spec container. */
export const pinnedImages: ResourceValidationPolicy = {
  name: "pinned-images",
  description: "Container images must be pinned to an exact tag or digest (no `latest`, no missing tag).",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: (args, report) =>
    eachImage(args, (where, ref) => {
      const why = unpinnedReason(ref);
      if (why) report(must(`${where}: ${why}`, FIX));
    }),
};
