import type { ResourceValidationPolicy } from "@pulumi/policy";
import { DATABASE_PORTS, databasePortsSchema, known, label, list, must, settings, type Props } from "./util";
import { DOCKER_CONTAINER } from "./workloads";

const SERVICE = "kubernetes:core/v1:Service";

/** Whether an address is a loopback address (127.0.0.0/8 or ::1). */
export function isLoopback(ip: string): boolean {
  return /^127(\.\d{1,3}){3}$/.test(ip) || ip === "::1" || ip === "localhost";
}

interface Config {
  /** Extra non-loopback addresses database ports may be published on. */
  allowedBindAddresses: string[];
  databasePorts: number[];
}
const DEFAULTS: Config = { allowedBindAddresses: [], databasePorts: DATABASE_PORTS };

/**
 * Database ports are never published on every interface: Docker port
 * bindings must carry a loopback `ip` (Docker's default is 0.0.0.0), and a
 * Kubernetes Service exposing a database port stays ClusterIP.
 */
export const databasePortsLoopback: ResourceValidationPolicy = {
  name: "database-ports-loopback",
  description: "Database ports must not be published on 0.0.0.0: Docker ports bind to loopback, Kubernetes database Services stay ClusterIP.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: {
    properties: {
      allowedBindAddresses: { type: "array", items: { type: "string" }, default: [], description: "Non-loopback addresses a Docker database port may bind to (e.g. a VPN interface)." },
      databasePorts: databasePortsSchema,
    },
  },
  validateResource: (args, report) => {
    const cfg = settings(args, DEFAULTS);
    if (args.type === DOCKER_CONTAINER) {
      for (const p of list<Props>(known(() => args.props.ports))) {
        const internal = known(() => p.internal) as number | undefined;
        if (typeof internal === "number" && !cfg.databasePorts.includes(internal)) continue;
        const ip = known(() => p.ip, "127.0.0.1") as string | undefined;
        const bind = ip === undefined || ip === "" ? "0.0.0.0" : ip;
        if (isLoopback(bind) || cfg.allowedBindAddresses.includes(bind)) continue;
        const host = known(() => p.external) ?? internal;
        report(
          must(
            `${label(args.type, args.name)}: database port ${internal} is published on ${bind}:${host}, reachable from other machines`,
            "set polystore:docker.bindAddress to 127.0.0.1 (the default), or list the address in allowedBindAddresses of policy-config.json",
          ),
        );
      }
      return;
    }
    if (args.type === SERVICE) {
      const kind = known(() => args.props.spec?.type) as string | undefined;
      if (kind !== "LoadBalancer" && kind !== "NodePort") return;
      for (const p of list<Props>(known(() => args.props.spec?.ports))) {
        const port = known(() => p.port) as number | undefined;
        const target = known(() => p.targetPort) as number | string | undefined;
        const hit = [port, target].find((x) => typeof x === "number" && cfg.databasePorts.includes(x));
        if (hit === undefined) continue;
        report(must(`${label(args.type, args.name)}: ${kind} service exposes database port ${hit} outside the cluster`, "use a ClusterIP service; reach it through the cluster network or a port-forward"));
      }
      return;
    }
    args.notApplicable("not a Docker container or Kubernetes Service");
  },
};
