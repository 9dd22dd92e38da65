import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { InitScriptsRef, StoreRenderInput } from "../../core/target";
import type { StoreConnection } from "../../core/types";
import type { KubernetesInfra } from "./namespace";

/** The variable the runner reads its connections from (`--connections-env`). */
export const INIT_CONNECTION_ENV = "POLYSTORE_INIT_CONNECTION";
/** A ConfigMap holds at most 1 MiB. */
const CONFIGMAP_LIMIT = 1024 * 1024;

/** One store's init scripts, read at program time. */
export interface InitScriptFiles {
  /** The folder as configured (relative to the project root). */
  dir: string;
  /** File name → content. */
  files: Record<string, string>;
  /** First 10 hex digits of a SHA-256 over names and contents: a changed script makes a new Job. */
  hash: string;
}

/** The command line of the runner in the Job (stacks/migrate.ts). */
export function initCommand(kind: string): string[] {
  return ["npm", "run", "migrate", "--", "apply", "--store", kind, "--connections-env", INIT_CONNECTION_ENV];
}

/**
 * Reads the regular files of a store's init-scripts folder. A missing folder
 * is an error naming the config key (scripts silently skipped would leave the
 * store half set up); an empty folder is fine (the runner still creates the
 * application identity).
 */
export function readInitScripts(kind: string, scripts: Pick<InitScriptsRef, "dir" | "key">): InitScriptFiles {
  const { dir, key } = scripts;
  const abs = path.resolve(dir);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) {
    throw new Error(`${key}: ${dir} is not a folder (looked for ${abs}); the ${kind} init Job mounts its scripts from there`);
  }
  const files: Record<string, string> = {};
  const hash = crypto.createHash("sha256");
  for (const f of fs.readdirSync(abs).sort()) {
    if (f.startsWith(".") || !fs.statSync(path.join(abs, f)).isFile()) continue;
    const content = fs.readFileSync(path.join(abs, f), "utf8").replace(/\r\n/g, "\n");
    files[f] = content;
    hash.update(f).update("\0").update(content).update("\0");
  }
  const size = Object.entries(files).reduce((n, [f, c]) => n + f.length + Buffer.byteLength(c), 0);
  if (size > CONFIGMAP_LIMIT) {
    throw new Error(`${key}: the scripts in ${dir} hold ${size} bytes, more than a ConfigMap's 1 MiB; split large data loads out of init scripts`);
  }
  return { dir, files, hash: hash.digest("hex").slice(0, 10) };
}

/**
 * Init scripts run inside the cluster, where the store is reachable: a Job
 * running `npm run migrate -- apply --store <kind> --connections-env
 * POLYSTORE_INIT_CONNECTION` from the pinned runner image, with the scripts
 * mounted from an immutable ConfigMap at `<runnerWorkdir>/init-scripts/<kind>`
 * and the connection (admin + app, JSON `{ <kind>: StoreConnection }`) from a
 * Secret: the store's one connection, as createStore built it (the same the local runner, the
 * secrets and the stack outputs get). The Job's name carries a hash of the scripts, so a changed script
 * makes a new Job; a changed password makes a new Secret, and so a new Job.
 * It waits for the StatefulSet (ready) and Pulumi waits for it to complete.
 */
export function createInitJob(
  ctx: StoreRenderInput,
  infra: KubernetesInfra,
  connection: pulumi.Output<StoreConnection>,
  ref: InitScriptsRef,
  ready: pulumi.Resource[],
): k8s.batch.v1.Job {
  const image = infra.config.runnerImage;
  if (!image) throw new Error(`polystore:kubernetes.runnerImage: required for the ${ctx.kind} init Job`);
  const scripts = readInitScripts(ctx.kind, ref);
  const opts = { parent: ctx.parent, provider: infra.provider };
  const namespace = infra.namespace;
  const labels = { ...infra.labels, "polystore.io/store": ctx.kind, "polystore.io/init-scripts": scripts.hash };

  const scriptsMap = new k8s.core.v1.ConfigMap(
    `${ctx.name}-init-scripts-${scripts.hash}`,
    { metadata: { namespace, labels }, immutable: true, data: scripts.files },
    opts,
  );
  const connectionSecret = new k8s.core.v1.Secret(
    `${ctx.name}-init-connection`,
    { metadata: { namespace, labels }, type: "Opaque", stringData: pulumi.secret(connection.apply((c) => ({ [INIT_CONNECTION_ENV]: JSON.stringify({ [ctx.kind]: c }) }))) },
    opts,
  );

  const workdir = infra.config.runnerWorkdir.replace(/\/+$/, "");
  const timeout = ref.timeoutSeconds;
  return new k8s.batch.v1.Job(
    `${ctx.name}-init-${scripts.hash}`,
    {
      metadata: {
        namespace,
        labels,
        annotations: { "pulumi.com/skipAwait": "false", "pulumi.com/timeoutSeconds": String(timeout * 3 + 300) },
      },
      spec: {
        backoffLimit: infra.config.initBackoffLimit,
        activeDeadlineSeconds: timeout * 3 + 240,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: "Never",
            enableServiceLinks: false,
            automountServiceAccountToken: false,
            imagePullSecrets: infra.config.imagePullSecrets.map((n) => ({ name: n })),
            containers: [
              {
                name: "init",
                image,
                workingDir: workdir,
                command: initCommand(ctx.kind),
                env: [{ name: INIT_CONNECTION_ENV, valueFrom: { secretKeyRef: { name: connectionSecret.metadata.name, key: INIT_CONNECTION_ENV } } }],
                volumeMounts: [{ name: "scripts", mountPath: `${workdir}/init-scripts/${ctx.kind}`, readOnly: true }],
                resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
              },
            ],
            volumes: [{ name: "scripts", configMap: { name: scriptsMap.metadata.name } }],
          },
        },
      },
    },
    { ...opts, dependsOn: ready },
  );
}
