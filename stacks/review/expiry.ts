/**
 * What `list` shows and `gc` acts on: each review stack's PR, age and
 * expiry, read from its own config (`polystore-review:*`), and whether it
 * has expired at a given time.
 */

/** Config namespace of review metadata; the polystore program ignores it. */
export const META_NS = "polystore-review";
/** Config keys the review CLI writes into each review stack. */
export const META_KEYS = {
  pr: `${META_NS}:pr`,
  expiresAt: `${META_NS}:expiresAt`,
  createdAt: `${META_NS}:createdAt`,
  ttl: `${META_NS}:ttl`,
} as const;

/** `expired`: past its expiry; `active`: not yet; `unknown`: no expiry recorded (gc leaves it, list flags it). */
export type ReviewState = "expired" | "active" | "unknown";

/** One review stack as the backend and its config describe it. */
export interface ReviewStackInfo {
  /** Stack name, `review-pr-<n>`. */
  stack: string;
  /** PR number from the stack name. */
  pr: number;
  /** When the first `up` ran, if recorded. */
  createdAt?: Date;
  /** When it expires, if recorded. */
  expiresAt?: Date;
  /** Last update reported by the backend. */
  lastUpdate?: Date;
  /** Resources in the stack, as reported by the backend. */
  resourceCount?: number;
  /** Where the expiry was read: the local stack file, the last update's config, or nowhere. */
  source: "stack-file" | "update-history" | "none";
}

/** A date from an ISO string, or undefined when missing or malformed. */
export function parseDate(raw: unknown): Date | undefined {
  if (typeof raw !== "string" || raw.trim() === "") return undefined;
  const d = new Date(raw.trim());
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Expired at `now` when the expiry is at or before it; unknown without an expiry. */
export function reviewState(info: Pick<ReviewStackInfo, "expiresAt">, now: Date): ReviewState {
  if (!info.expiresAt) return "unknown";
  return info.expiresAt.getTime() <= now.getTime() ? "expired" : "active";
}

/** The stacks `gc` destroys at `now`: expired ones, oldest expiry first. */
export function selectExpired<T extends Pick<ReviewStackInfo, "expiresAt" | "stack">>(stacks: T[], now: Date): T[] {
  return stacks
    .filter((s) => reviewState(s, now) === "expired")
    .sort((a, b) => a.expiresAt!.getTime() - b.expiresAt!.getTime() || a.stack.localeCompare(b.stack));
}

/** Metadata from a flat config map (`key` → string value). */
export function metaFromConfig(config: Record<string, string | undefined>): Pick<ReviewStackInfo, "createdAt" | "expiresAt"> {
  return { createdAt: parseDate(config[META_KEYS.createdAt]), expiresAt: parseDate(config[META_KEYS.expiresAt]) };
}
