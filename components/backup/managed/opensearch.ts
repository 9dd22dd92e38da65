/**
 * OpenSearch Service: a manual snapshot to the store's own S3 bucket (made by the opensearch
 * renderer, components/targets/aws/snapshot-repository.ts) through the domain's snapshot API,
 * every call SigV4-signed (./signer.ts). The repository is registered on first use
 * (`PUT _snapshot/<repo>` with `{type: "s3", settings: {bucket, region, role_arn}}`), which AWS
 * allows only to a principal that may iam:PassRole the snapshot role (and, with fine-grained
 * access control, that is mapped to the `manage_snapshots` role). Snapshots hold the
 * application's indices (`*,-.*`: not the dot-prefixed system indices) without the cluster
 * state; polystore's tags go into the snapshot's `metadata`. Restore: into the SAME domain,
 * beside the live indices, renamed `<restored>-<index>` (`rename_pattern`).
 */
import type { ManagedAdapter, ManagedTarget, SnapshotStatus } from "./types";
import type { AdapterDeps } from "./types";
import { openSearchReason, type OpenSearchHttp } from "./signer";

/** The indices a snapshot holds and a restore brings back: everything but dot-prefixed system indices. */
export const OPENSEARCH_INDICES = "*,-.*";

function repo(t: ManagedTarget): { name: string; bucket: string; roleArn: string } {
  const r = t.fact.snapshotRepository;
  if (!r) throw new Error(`${t.kind}: the stack output "stores" has no snapshotRepository for OpenSearch domain ${t.fact.id}; run pulumi up to create the snapshot bucket and role`);
  return r;
}

async function call(t: ManagedTarget, http: OpenSearchHttp, what: string, method: "GET" | "PUT" | "POST" | "DELETE", path: string, body?: unknown, okMissing = false) {
  const r = await http(method, path, body);
  if (okMissing && r.status === 404) return undefined;
  if (r.status >= 200 && r.status < 300) return r.json;
  const hint = r.status === 401 || r.status === 403 ? " (the caller needs es:ESHttp* on the domain, iam:PassRole on the snapshot role, and with fine-grained access control a mapping to the manage_snapshots role: docs/backup.md, Managed snapshots)" : "";
  throw new Error(`${t.kind}: ${what} on OpenSearch domain ${t.fact.id} failed: HTTP ${r.status} ${openSearchReason(r.json)}${hint}`);
}

/** Registers polystore's S3 repository on the domain unless it is there (and points at the store's bucket). */
export async function ensureRepository(t: ManagedTarget, http: OpenSearchHttp): Promise<"registered" | "present"> {
  const r = repo(t);
  const have = await call(t, http, `reading snapshot repository ${r.name}`, "GET", `/_snapshot/${r.name}`, undefined, true);
  if (have?.[r.name]) {
    const bucket = have[r.name]?.settings?.bucket;
    if (bucket !== r.bucket) throw new Error(`${t.kind}: snapshot repository ${r.name} on OpenSearch domain ${t.fact.id} points at bucket ${bucket}, not the store's bucket ${r.bucket}; nothing was done`);
    return "present";
  }
  await call(t, http, `registering snapshot repository ${r.name}`, "PUT", `/_snapshot/${r.name}`, { type: "s3", settings: { bucket: r.bucket, region: t.fact.region, role_arn: r.roleArn } });
  return "registered";
}

function status(s: any): SnapshotStatus {
  if (!s) return { state: "missing" };
  const word = String(s.state ?? "");
  return {
    state: word === "SUCCESS" ? "available" : word === "IN_PROGRESS" ? "creating" : "failed",
    engineVersion: s.version ? `OpenSearch ${s.version}` : undefined,
    createdAt: typeof s.start_time_in_millis === "number" ? new Date(s.start_time_in_millis) : undefined,
    detail: word,
  };
}

const http = (t: ManagedTarget, deps: AdapterDeps) => deps.openSearchHttp(t);

export const opensearchAdapter: ManagedAdapter = {
  service: "opensearch",
  noun: "OpenSearch manual snapshot",
  maxName: 255,
  maxRestoredId: 120,
  async create(t, name, tags, deps) {
    const h = http(t, deps);
    await ensureRepository(t, h);
    await call(t, h, `creating snapshot ${name}`, "PUT", `/_snapshot/${repo(t).name}/${name}`, { indices: OPENSEARCH_INDICES, include_global_state: false, metadata: tags });
    return { state: "creating", detail: "IN_PROGRESS" };
  },
  async describe(t, name, deps) {
    const j = await call(t, http(t, deps), `reading snapshot ${name}`, "GET", `/_snapshot/${repo(t).name}/${name}`, undefined, true);
    return status(j?.snapshots?.[0]);
  },
  async list(t, deps) {
    const j = await call(t, http(t, deps), "listing snapshots", "GET", `/_snapshot/${repo(t).name}/_all`, undefined, true);
    return (j?.snapshots ?? []).map((s: any) => ({
      name: String(s.snapshot),
      createdAt: typeof s.start_time_in_millis === "number" ? new Date(s.start_time_in_millis) : undefined,
      tags: Object.fromEntries(Object.entries(s.metadata ?? {}).map(([k, v]) => [k, String(v)])),
    }));
  },
  async delete(t, name, deps) {
    await call(t, http(t, deps), `deleting snapshot ${name}`, "DELETE", `/_snapshot/${repo(t).name}/${name}`);
  },
  async restore(t, name, restoredId, _tags, deps) {
    await call(t, http(t, deps), `restoring snapshot ${name}`, "POST", `/_snapshot/${repo(t).name}/${name}/_restore`, {
      indices: OPENSEARCH_INDICES,
      include_global_state: false,
      include_aliases: false,
      rename_pattern: "(.+)",
      rename_replacement: `${restoredId}-$1`,
    });
  },
  async describeRestored(t, restoredId, deps) {
    const j = await call(t, http(t, deps), `reading the health of ${restoredId}-*`, "GET", `/_cluster/health/${restoredId}-*`);
    const done = (j?.status === "green" || j?.status === "yellow") && (j?.initializing_shards ?? 0) === 0;
    return { state: done ? "available" : "creating", endpoint: `${t.host}:443 (indices ${restoredId}-*)`, detail: `${j?.status}, ${j?.initializing_shards ?? 0} shard(s) initializing` };
  },
  switchSteps(t, restoredId) {
    return [
      `the restored indices are ${restoredId}-<index> on the same domain (${t.host}); compare: GET _cat/indices/${restoredId}-*?v`,
      `per index: stop writes, DELETE /<index>, then POST /_aliases {"actions":[{"add":{"index":"${restoredId}-<index>","alias":"<index>"}}]} (or POST /_reindex into a new <index>)`,
      `aliases of the live indices were not restored (include_aliases: false): re-create them after the switch`,
    ];
  },
};
