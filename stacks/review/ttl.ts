/**
 * Review stack lifetimes: `--ttl 30m|72h|7d`, at least MIN_TTL, at most
 * MAX_TTL. The expiry is `now + ttl`, refreshed by every `up`.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const UNITS: Record<string, number> = { m: MINUTE, h: HOUR, d: DAY };

/** Default lifetime of a review stack. */
export const DEFAULT_TTL = "72h";
/** Shortest accepted lifetime: 5 minutes. */
export const MIN_TTL_MS = 5 * MINUTE;
/** Longest accepted lifetime: 30 days. */
export const MAX_TTL_MS = 30 * DAY;

/** A lifetime in milliseconds, or the reason the input is not one. */
export type TtlResult = { ok: true; ms: number } | { ok: false; problem: string };

/** Parses `30m`, `72h`, `7d` (a positive whole number and one unit). */
export function parseTtl(raw: string | undefined): TtlResult {
  const s = (raw ?? "").trim().toLowerCase();
  const m = /^([0-9]{1,6})([mhd])$/.exec(s);
  if (!m) {
    return {
      ok: false,
      problem: `--ttl: expected a whole number followed by m, h or d (e.g. 30m, 72h, 7d), got ${JSON.stringify(raw ?? "")}`,
    };
  }
  const ms = Number(m[1]) * UNITS[m[2]];
  if (ms < MIN_TTL_MS) return { ok: false, problem: `--ttl: expected at least ${formatDuration(MIN_TTL_MS)}, got ${raw}` };
  if (ms > MAX_TTL_MS) return { ok: false, problem: `--ttl: expected at most ${formatDuration(MAX_TTL_MS)}, got ${raw}` };
  return { ok: true, ms };
}

/** The expiry of a stack updated at `now` with lifetime `ttlMs`. */
export function expiryFrom(now: Date, ttlMs: number): Date {
  return new Date(now.getTime() + ttlMs);
}

/** `3d 4h`, `2h 5m`, `45m`, `<1m`: the two largest units of a duration. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE) return "<1m";
  const d = Math.floor(abs / DAY);
  const h = Math.floor((abs % DAY) / HOUR);
  const min = Math.floor((abs % HOUR) / MINUTE);
  const parts = [d ? `${d}d` : "", h ? `${h}h` : "", min ? `${min}m` : ""].filter(Boolean);
  return parts.slice(0, 2).join(" ");
}

/** A timestamp for people: `2026-11-25 04:00 UTC`. */
export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
