/**
 * Names and tags of managed snapshots. A run's id is `YYYYMMDD_HHMMSS` (UTC, as archives); a
 * snapshot is `polystore-<stack>-<store>-<YYYYMMDD-HHMMSS>`: letters, digits and single hyphens,
 * starting with a letter, not ending with a hyphen, lower case, which every service takes (RDS and
 * DocumentDB snapshot identifiers: 1–255 / 1–63 letters, digits, hyphens, first a letter, no `--`,
 * no trailing `-`; ElastiCache and MemoryDB snapshot names; OpenSearch snapshot names: lower case,
 * no spaces or `\ / * ? " < > | , #`). Too long a stack name is shortened with a hash (awsName),
 * never the time.
 */
import type { StoreKind } from "../../core/types";
import { awsName } from "../../targets/aws/network";
import { idTime } from "../archive";

/** The tag keys polystore puts on its snapshots (and the only ones prune looks at). */
export const TAG_PROJECT = "project";
export const TAG_STACK = "stack";
export const TAG_BACKUP_ID = "backup-id";
export const TAG_STORE = "store";

/** `20261203_020000` → `20261203-020000`. */
export function idStamp(id: string): string {
  return id.replace("_", "-");
}

/** The snapshot of `store` taken by run `id` of `stack`, at most `max` characters. */
export function snapshotName(stack: string, store: StoreKind, id: string, max: number): string {
  const stamp = idStamp(id);
  return `${awsName(["polystore", stack, store], max - stamp.length - 1)}-${stamp}`;
}

/** The identifier of a resource restored beside `liveId` from run `id`: `<liveId>-r<YYYYMMDDHHMMSS>`. */
export function restoredId(liveId: string, id: string, max: number): string {
  const suffix = `r${id.replace("_", "")}`;
  return `${awsName([liveId], max - suffix.length - 1)}-${suffix}`;
}

/** Tags of a snapshot taken by run `id`. */
export function snapshotTags(stack: string, store: StoreKind, id: string): Record<string, string> {
  return { [TAG_PROJECT]: "polystore", [TAG_STACK]: stack, [TAG_STORE]: store, [TAG_BACKUP_ID]: id };
}

/**
 * Whether a listed snapshot is one polystore took for `stack`: tagged project=polystore,
 * stack=<stack> and a backup-id that is a run id. Anything else is never pruned.
 */
export function isPolystoreSnapshot(tags: Record<string, string>, stack: string): boolean {
  return tags[TAG_PROJECT] === "polystore" && tags[TAG_STACK] === stack && idTime(tags[TAG_BACKUP_ID] ?? "") !== undefined;
}

/** When a snapshot was taken: the service's time, else the time its backup-id names. */
export function takenAt(createdAt: Date | undefined, tags: Record<string, string>): Date | undefined {
  return createdAt ?? idTime(tags[TAG_BACKUP_ID] ?? "");
}
