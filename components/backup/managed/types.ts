/**
 * The contract each managed service implements for `npm run backup` on target aws
 * (./rds.ts, ./docdb.ts, ./elasticache.ts, ./memorydb.ts, ./opensearch.ts): take the service's
 * own snapshot, say how it is going, list and delete the snapshots of one resource, and restore a
 * snapshot BESIDE the live resource (a new resource; the live one is never touched).
 */
import type { ManagedFact, ManagedService } from "../../core/managed";
import { appEnvNames } from "../../stores";
import type { StoreKind } from "../../core/types";
import type { OpenSearchHttp } from "./signer";

/** A managed store as the CLI knows it: its fact from the stack output `stores`, and its endpoint host. */
export interface ManagedTarget {
  kind: StoreKind;
  fact: ManagedFact;
  /** The store's endpoint (OpenSearch: the domain endpoint the HTTP calls go to). */
  host: string;
}

/** Where a snapshot or a restored resource is. `missing`: the service does not know it. */
export type ManagedState = "creating" | "available" | "failed" | "missing";

export interface SnapshotStatus {
  state: ManagedState;
  arn?: string;
  /** Engine and version as the snapshot records them, e.g. "postgres 16.4". */
  engineVersion?: string;
  createdAt?: Date;
  /** The service's own status word (e.g. "incompatible-restore", "PARTIAL"), for messages. */
  detail?: string;
}

/** One snapshot of a resource, as listed for pruning. */
export interface ListedSnapshot {
  name: string;
  createdAt?: Date;
  tags: Record<string, string>;
}

/** A resource made by a restore beside the live one. */
export interface RestoredStatus {
  state: ManagedState;
  /** host[:port] applications switch to. */
  endpoint?: string;
  detail?: string;
}

/** What the adapters are given: the region's clients come from the SDK; OpenSearch's HTTP is injectable. */
export interface AdapterDeps {
  /** Signed HTTP to an OpenSearch domain (tests pass a fake; default: SigV4 over https). */
  openSearchHttp(target: ManagedTarget): OpenSearchHttp;
}

export interface ManagedAdapter {
  service: ManagedService;
  /** What the snapshot is called in messages and docs ("DB snapshot", "cluster snapshot", …). */
  noun: string;
  /** Longest snapshot name the service takes. */
  maxName: number;
  /** Longest identifier of a resource restored beside the live one. */
  maxRestoredId: number;
  /** Starts the snapshot (tags applied at creation). Throws naming the resource when it is unknown. */
  create(t: ManagedTarget, name: string, tags: Record<string, string>, deps: AdapterDeps): Promise<SnapshotStatus>;
  /** The snapshot's current status. */
  describe(t: ManagedTarget, name: string, deps: AdapterDeps): Promise<SnapshotStatus>;
  /** Every manual snapshot of the resource, with its tags. */
  list(t: ManagedTarget, deps: AdapterDeps): Promise<ListedSnapshot[]>;
  delete(t: ManagedTarget, name: string, deps: AdapterDeps): Promise<void>;
  /** Starts a restore of `name` into a new resource `restoredId`, configured like the live one. */
  restore(t: ManagedTarget, name: string, restoredId: string, tags: Record<string, string>, deps: AdapterDeps): Promise<void>;
  /** The restored resource's status and endpoint. */
  describeRestored(t: ManagedTarget, restoredId: string, deps: AdapterDeps): Promise<RestoredStatus>;
  /** How applications are switched to the restored resource (printed and documented). */
  switchSteps(t: ManagedTarget, restoredId: string, endpoint: string): string[];
}

/** Tags as the SDKs take them. */
export function tagList(tags: Record<string, string>): Array<{ Key: string; Value: string }> {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** Tags from the SDKs' lists. */
export function tagRecord(list: Array<{ Key?: string; Value?: string }> | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).filter((t) => t.Key).map((t) => [t.Key!, t.Value ?? ""]));
}

/** The AWS error's name (e.g. DBSnapshotNotFoundFault), or "". */
export function awsErrorName(err: unknown): string {
  return (err as { name?: string } | null)?.name ?? "";
}

/** A resource the stack output names does not exist in AWS: exit 2 (the output is stale or wrong). */
export class UnknownResourceError extends Error {
  readonly exitCode = 2;
  constructor(t: ManagedTarget, what: string, cause: string) {
    super(`${t.kind}: ${what} "${t.fact.id}" does not exist in ${t.fact.region} (${cause}); the stack output "stores" may be stale (run pulumi refresh / pulumi up) or name another region`);
    this.name = "UnknownResourceError";
  }
}

/**
 * A service's status word as a {@link ManagedState}: `available` is available, the words in
 * `pending` (creating, copying, modifying, …) are still going, anything else has failed.
 */
export function stateOf(word: string | undefined, pending: readonly string[]): ManagedState {
  const w = (word ?? "").toLowerCase();
  if (w === "available") return "available";
  return pending.includes(w) ? "creating" : "failed";
}

/** The application variables that carry a store's address (`DATABASE_URL / POSTGRES_URL / POSTGRES_HOST`), for switch steps. */
export function addressVars(kind: StoreKind): string {
  return appEnvNames(kind).filter((n) => /_(URL|URI|HOST)$/.test(n)).join(" / ");
}
