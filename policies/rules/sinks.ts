/**
 * `connection-secrets-written`: every enabled store's connection secret is
 * written where applications read it — a `.env` file (DotEnvFile), an AWS
 * Secrets Manager SecretVersion, or a Kubernetes Secret.
 *
 * A sink covers a store when ANY of these holds (first match wins):
 *   1. marker: the sink (or, for a SecretVersion, its Secret) lists the store
 *      in a `stores` input, a `polystore:stores` or `store` tag, or a
 *      `polystore.io/stores` label/annotation (separated by commas, spaces or
 *      dots — label values allow no commas);
 *   2. lineage: one of the sink's dependencies is a child (at any depth) of
 *      the store's component — its content was computed from that store's
 *      credentials/endpoint (what the engine records for every sink the
 *      program builds from `store.env`);
 *   3. content: the sink's known content names the store's URL variable
 *      (DATABASE_URL, REDIS_URL, …) — only while inputs are visible (offline,
 *      or a preview creating the sink; a `.env` file keeps only a hash).
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { URL_VAR } from "../../components/stores";
import { ancestors, byUrn, known, must, type Props } from "./util";

/** The variable every application reads for each store (seeds' names). */
export const URL_VARIABLE: Record<string, string> = URL_VAR;

const STORE_COMPONENT = /^polystore:([a-z0-9]+):[A-Za-z0-9]+Store$/;
const SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
const AWS_SECRET = "aws:secretsmanager/secret:Secret";
const K8S_SECRET = "kubernetes:core/v1:Secret";
const MARKER_KEYS = ["polystore:stores", "polystore.io/stores", "polystore/stores", "store"];

/** Whether a resource is a connection-secret sink. */
export function isSink(type: string): boolean {
  return type.endsWith("DotEnvFile") || type === SECRET_VERSION || type === K8S_SECRET;
}

/** The store kind of a store component resource (`polystore:postgres:PostgresStore` → postgres). */
export function storeKindOf(type: string): string | undefined {
  const m = STORE_COMPONENT.exec(type);
  return m && m[1] in URL_VARIABLE ? m[1] : undefined;
}

function splitList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  return typeof v === "string" ? v.split(/[\s,.]+/).filter(Boolean) : [];
}

/** Stores a resource's marker names. */
function marked(props: Props): string[] {
  const out = splitList(known(() => props.stores));
  for (const bag of [known(() => props.tags), known(() => props.metadata?.labels), known(() => props.metadata?.annotations)]) {
    if (!bag || typeof bag !== "object") continue;
    for (const key of MARKER_KEYS) out.push(...splitList((bag as Props)[key]));
  }
  return out;
}

/** The text/keys of a sink that can name variables, when known. */
function content(r: PolicyResource): string {
  const parts: string[] = [];
  for (const key of ["content", "secretString"]) {
    const v = known(() => r.props[key]);
    if (typeof v === "string") parts.push(v);
  }
  for (const key of ["stringData", "data"]) {
    const v = known(() => r.props[key]);
    if (v && typeof v === "object") parts.push(...Object.keys(v as Props).map((k) => `${k}=`));
  }
  return parts.join("\n");
}

/** Store kinds a sink covers, and how. */
export function coverage(sink: PolicyResource, stores: Map<string, PolicyResource>, index: Map<string, PolicyResource>): Map<string, string> {
  const out = new Map<string, string>();
  const markers = [sink, ...sink.dependencies.filter((d) => d.type === AWS_SECRET)];
  for (const r of markers) for (const kind of marked(r.props)) if (stores.has(kind)) out.set(kind, "marker");
  const deps = [...sink.dependencies, ...Object.values(sink.propertyDependencies ?? {}).flat()];
  for (const d of deps) {
    for (const a of ancestors(index.get(d.urn) ?? d, index)) {
      const kind = storeKindOf(a.type);
      if (kind && stores.get(kind)?.urn === a.urn && !out.has(kind)) out.set(kind, "lineage");
    }
  }
  const text = content(sink);
  for (const [kind] of stores) {
    if (!out.has(kind) && new RegExp(`(^|[\\s"'{,])"?${URL_VARIABLE[kind]}"?\\s*[=:]`, "m").test(text)) out.set(kind, "content");
  }
  return out;
}

/** Every enabled store has its connection secret written to a sink applications read. */
export const connectionSecretsWritten: StackValidationPolicy = {
  name: "connection-secrets-written",
  description: "Every enabled store must have its connection secret written where applications read it (.env file, AWS Secrets Manager, Kubernetes Secret).",
  enforcementLevel: "mandatory",
  severity: "high",
  validateStack: (args, report) => {
    const index = byUrn(args.resources);
    const stores = new Map<string, PolicyResource>();
    for (const r of args.resources) {
      const kind = storeKindOf(r.type);
      if (kind) stores.set(kind, r);
    }
    if (stores.size === 0) args.notApplicable("no polystore store component in this stack");
    const covered = new Set<string>();
    for (const sink of args.resources.filter((r) => isSink(r.type))) for (const kind of coverage(sink, stores, index).keys()) covered.add(kind);
    for (const [kind, store] of stores) {
      if (covered.has(kind)) continue;
      const url = URL_VARIABLE[kind];
      report(
        must(
          `store ${kind}: its connection secret (${url}) is not written to any .env file, AWS Secrets Manager secret or Kubernetes Secret`,
          `enable a sink under polystore:connectionSecrets (envFile, awsSecretsManager or kubernetesSecret) that includes ${kind}`,
        ),
        store.urn,
      );
    }
  },
};
