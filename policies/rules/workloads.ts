/**
 * Where containers live in the resources polystore's targets create: Docker
 * containers and Kubernetes pod specs (Pod, Deployment, StatefulSet,
 * DaemonSet, ReplicaSet, Job, CronJob), as one flat list of containers.
 */
import { SERVER_SETTINGS_LABEL } from "../../components/core/spec";
import { known, list, type Props } from "./util";

export const DOCKER_IMAGE = "docker:index/remoteImage:RemoteImage";
export const DOCKER_CONTAINER = "docker:index/container:Container";

/** Path from a workload's props to its pod spec, and whether it runs until stopped. */
const POD_SPECS: Record<string, { path: string[]; longRunning: boolean }> = {
  "kubernetes:core/v1:Pod": { path: ["spec"], longRunning: true },
  "kubernetes:apps/v1:Deployment": { path: ["spec", "template", "spec"], longRunning: true },
  "kubernetes:apps/v1:StatefulSet": { path: ["spec", "template", "spec"], longRunning: true },
  "kubernetes:apps/v1:DaemonSet": { path: ["spec", "template", "spec"], longRunning: true },
  "kubernetes:apps/v1:ReplicaSet": { path: ["spec", "template", "spec"], longRunning: true },
  "kubernetes:batch/v1:Job": { path: ["spec", "template", "spec"], longRunning: false },
  "kubernetes:batch/v1:CronJob": { path: ["spec", "jobTemplate", "spec", "template", "spec"], longRunning: false },
};

/** Kubernetes resource types that carry a pod spec. */
export const POD_SPEC_TYPES = Object.keys(POD_SPECS);

/** One container as the policies see it, whatever created it. */
export interface ContainerView {
  /** ` container postgres` / ` init container fix-perms` (Kubernetes); empty for a Docker container (the resource is the container). */
  where: string;
  /** Image reference (a name, a digest reference, or a Docker image ID). */
  image: unknown;
  /** Entry point + arguments, joined from `command`/`args`. */
  argv: string[];
  /** Environment: name → literal value, or undefined when it comes from a secret/config reference. */
  env: Map<string, string | undefined>;
  /** Labels (Docker labels, pod template labels). */
  labels: Record<string, string>;
  /** Memory limit present (Docker `memory` > 0, k8s `resources.limits.memory`). */
  memoryLimit: boolean;
  /** Health check: Docker healthcheck test, or k8s readiness + liveness probes. */
  health: { readiness: boolean; liveness: boolean };
  /** Whether this container is an init container (health checks do not apply). */
  init: boolean;
  /** Whether the workload runs until stopped (health checks apply). */
  longRunning: boolean;
  /**
   * The store's server settings polystore put on the workload in their typed form (Docker label,
   * pod template annotation `polystore.io/server-settings`, JSON); undefined on other workloads.
   */
  serverSettings?: Record<string, unknown>;
}


/** The JSON object under {@link SERVER_SETTINGS_LABEL}, or undefined when absent or not an object. */
function serverSettingsOf(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== "string") return undefined;
  try {
    const v = JSON.parse(value) as unknown;
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function at(props: Props, path: string[]): Props | undefined {
  let cur: unknown = props;
  for (const p of path) {
    cur = known(() => (cur as Props | undefined)?.[p]);
    if (cur === undefined || cur === null) return undefined;
  }
  return cur as Props;
}

/** `KEY=value` strings (Docker `envs`) as a map. */
export function dockerEnv(envs: unknown): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const e of list<unknown>(envs)) {
    if (typeof e !== "string") continue;
    const i = e.indexOf("=");
    if (i > 0) out.set(e.slice(0, i), e.slice(i + 1));
  }
  return out;
}

function labelMap(x: unknown): Record<string, string> {
  if (Array.isArray(x)) {
    return Object.fromEntries(x.filter((l) => l && typeof l.label === "string").map((l) => [l.label, String(l.value ?? "")]));
  }
  return x && typeof x === "object" ? (x as Record<string, string>) : {};
}

/** The containers of a Docker container or Kubernetes workload resource; [] for anything else. */
export function containersOf(type: string, props: Props): ContainerView[] {
  if (type === DOCKER_CONTAINER) {
    const hc = known(() => props.healthcheck) as Props | undefined;
    const tests = list<string>(known(() => hc?.tests));
    const healthy = tests.length > 0 && tests[0] !== "NONE";
    const memory = known(() => props.memory, 1) as number | undefined;
    return [
      {
        where: "",
        image: known(() => props.image),
        argv: [...list<string>(known(() => props.entrypoints)), ...list<string>(known(() => props.command))],
        env: dockerEnv(known(() => props.envs)),
        labels: labelMap(known(() => props.labels)),
        memoryLimit: typeof memory === "number" && memory > 0,
        health: { readiness: healthy, liveness: healthy },
        init: false,
        longRunning: true,
        serverSettings: serverSettingsOf(labelMap(known(() => props.labels))[SERVER_SETTINGS_LABEL]),
      },
    ];
  }
  const shape = POD_SPECS[type];
  if (!shape) return [];
  const spec = at(props, shape.path);
  if (!spec) return [];
  const templateLabels = labelMap(at(props, [...shape.path.slice(0, -1), "metadata", "labels"]) ?? at(props, ["metadata", "labels"]));
  const annotations = (at(props, [...shape.path.slice(0, -1), "metadata", "annotations"]) ?? {}) as Props;
  const serverSettings = serverSettingsOf(known(() => annotations[SERVER_SETTINGS_LABEL]));
  const views: ContainerView[] = [];
  for (const [field, init] of [["initContainers", true], ["containers", false]] as const) {
    for (const c of list<Props>(known(() => spec[field]))) {
      const env = new Map<string, string | undefined>();
      for (const e of list<Props>(known(() => c.env))) {
        if (typeof e?.name !== "string") continue;
        env.set(e.name, e.valueFrom !== undefined ? undefined : String(known(() => e.value) ?? ""));
      }
      views.push({
        where: ` ${init ? "init container" : "container"} ${String(c.name ?? "?")}`,
        image: known(() => c.image),
        argv: [...list<string>(known(() => c.command)), ...list<string>(known(() => c.args))],
        env,
        labels: templateLabels,
        memoryLimit: known(() => c.resources?.limits?.memory) !== undefined,
        health: {
          readiness: known(() => c.readinessProbe, {}) !== undefined,
          liveness: known(() => c.livenessProbe, {}) !== undefined,
        },
        init,
        longRunning: shape.longRunning,
        serverSettings: init ? undefined : serverSettings,
      });
    }
  }
  return views;
}
