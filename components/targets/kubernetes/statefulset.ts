import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { STORES } from "../../stores";
import type { KubernetesStoreConfig } from "./schema";
import { clientPort, SERVER_SETTINGS_LABEL, type StoreSpec } from "../../core/spec";
import type { StoreRenderInput } from "../../core/target";
import type { StoreKind } from "../../core/types";
import type { KubernetesInfra } from "./namespace";

/**
 * Group id the data volume is made writable for: the user each image runs its
 * server as (the entrypoints of most images also fix ownership themselves;
 * Elasticsearch starts as uid 1000 and relies on it).
 */
export const FS_GROUP: Record<StoreKind, number> = Object.fromEntries(
  Object.values(STORES).map((m) => [m.kind, m.targets.kubernetes.fsGroup]),
) as Record<StoreKind, number>;

/** The resources of one store on Kubernetes. */
export interface KubernetesStore {
  statefulSet: k8s.apps.v1.StatefulSet;
  /** ClusterIP Service applications connect to. */
  service: k8s.core.v1.Service;
  /** Headless Service governing the StatefulSet's pod DNS. */
  headless: k8s.core.v1.Service;
  /** The admin credentials (the spec's secretEnv). */
  adminSecret: k8s.core.v1.Secret;
  /** `<service>.<namespace>.svc.cluster.local`. */
  host: pulumi.Output<string>;
}

/** Container env: plain values, and every secret value as a secretKeyRef into the admin Secret. */
export function containerEnv(spec: StoreSpec, secretName: pulumi.Input<string>): k8s.types.input.core.v1.EnvVar[] {
  return [
    ...Object.entries(spec.env).map(([name, value]) => ({ name, value })),
    ...Object.keys(spec.secretEnv).map((name) => ({ name, valueFrom: { secretKeyRef: { name: secretName, key: name } } })),
  ];
}

/** Probes from the spec's health check: exec for startup and readiness, TCP on the client port for liveness. */
export function probes(spec: StoreSpec): Pick<k8s.types.input.core.v1.Container, "startupProbe" | "readinessProbe" | "livenessProbe"> {
  const hc = spec.healthcheck;
  const exec = { command: ["sh", "-c", hc.shell] };
  return {
    startupProbe: {
      exec,
      periodSeconds: hc.intervalSeconds,
      timeoutSeconds: hc.timeoutSeconds,
      failureThreshold: Math.ceil(hc.startPeriodSeconds / hc.intervalSeconds) + hc.retries,
    },
    readinessProbe: { exec, periodSeconds: hc.intervalSeconds, timeoutSeconds: hc.timeoutSeconds, failureThreshold: 3 },
    livenessProbe: { tcpSocket: { port: clientPort(spec).containerPort }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
  };
}

/**
 * One store spec as a StatefulSet (the same image, command, env and health
 * check as on Docker): one replica, a data volumeClaimTemplate kept when the
 * StatefulSet is deleted or scaled down, memory request = limit =
 * spec.memoryMb, probes, the admin credentials in a Secret, a headless
 * Service for the StatefulSet and a ClusterIP Service for clients.
 */
export function createStatefulStore(ctx: StoreRenderInput, infra: KubernetesInfra, k: KubernetesStoreConfig): KubernetesStore {
  const { spec, name } = ctx;
  const opts = { parent: ctx.parent, provider: infra.provider };
  const namespace = infra.namespace;
  const selector = { "app.kubernetes.io/name": spec.kind, "app.kubernetes.io/instance": `${infra.stack}-${name}` };
  const labels = { ...infra.labels, "polystore.io/store": spec.kind, ...selector };

  const adminSecret = new k8s.core.v1.Secret(
    `${name}-admin`,
    {
      metadata: { name: `${name}-admin`, namespace, labels },
      type: "Opaque",
      stringData: pulumi.secret(pulumi.all(spec.secretEnv)),
    },
    opts,
  );

  const ports = spec.ports.map((p) => ({ name: p.name, port: p.containerPort, targetPort: p.containerPort, protocol: "TCP" }));
  const headless = new k8s.core.v1.Service(
    `${name}-headless`,
    {
      metadata: { name: `${name}-headless`, namespace, labels },
      spec: { clusterIP: "None", publishNotReadyAddresses: true, selector, ports },
    },
    opts,
  );
  const service = new k8s.core.v1.Service(
    `${name}-service`,
    { metadata: { name, namespace, labels }, spec: { type: "ClusterIP", selector, ports } },
    opts,
  );

  const storageClassName = k.storageClassName ?? infra.config.storageClassName;
  const statefulSet = new k8s.apps.v1.StatefulSet(
    `${name}-statefulset`,
    {
      metadata: { name, namespace, labels, annotations: { "pulumi.com/skipAwait": "false" } },
      spec: {
        serviceName: headless.metadata.name,
        replicas: 1,
        selector: { matchLabels: selector },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
        template: {
          // The store's server settings in their one typed form (the policy pack reads it).
          metadata: { labels, annotations: { [SERVER_SETTINGS_LABEL]: JSON.stringify(spec.settings) } },
          spec: {
            enableServiceLinks: false, // a Service named neo4j would inject NEO4J_* variables Neo4j reads as settings
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: 60,
            securityContext: { fsGroup: FS_GROUP[spec.kind], fsGroupChangePolicy: "OnRootMismatch" },
            imagePullSecrets: infra.config.imagePullSecrets.map((n) => ({ name: n })),
            containers: [
              {
                name: spec.kind,
                image: spec.image,
                // Docker's `command` replaces the image's CMD, not its entrypoint: the same here is `args`.
                args: spec.command,
                env: containerEnv(spec, adminSecret.metadata.name),
                ports: spec.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: "TCP" })),
                resources: {
                  requests: { memory: `${spec.memoryMb}Mi`, cpu: k.cpuRequest },
                  limits: { memory: `${spec.memoryMb}Mi`, cpu: k.cpuLimit },
                },
                ...probes(spec),
                volumeMounts: [{ name: "data", mountPath: spec.dataPath }],
              },
            ],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: "data", labels },
            spec: {
              accessModes: ["ReadWriteOnce"],
              ...(storageClassName ? { storageClassName } : {}),
              resources: { requests: { storage: `${k.storageGb}Gi` } },
            },
          },
        ],
      },
    },
    // The name is fixed (pod DNS, PVC names): a replacement deletes first; the retained PVCs are adopted again.
    { ...opts, deleteBeforeReplace: true, dependsOn: [headless] },
  );

  return {
    statefulSet,
    service,
    headless,
    adminSecret,
    host: pulumi.interpolate`${service.metadata.name}.${namespace}.svc.cluster.local`,
  };
}
