import { describe, expect, it } from "vitest";
import { DEFAULT_TTL, expiryFrom, formatDuration, formatUtc, MAX_TTL_MS, MIN_TTL_MS, parseTtl } from "../../../stacks/review/ttl";

const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;

describe("TTL parsing", () => {
  it.each([
    ["30m", 30 * MIN],
    ["72h", 72 * H],
    ["7d", 7 * D],
    ["30d", 30 * D],
    ["5m", 5 * MIN],
    [" 12H ", 12 * H],
    [DEFAULT_TTL, 72 * H],
  ])("accepts %j", (raw, ms) => {
    expect(parseTtl(raw)).toEqual({ ok: true, ms });
  });

  it.each(["", "72", "h", "1.5h", "-1h", "1w", "72 h", "3d12h", "abc", "1e2h", "0x10h"])("rejects malformed %j", (raw) => {
    const r = parseTtl(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(/^--ttl: expected a whole number followed by m, h or d/);
  });

  it.each([
    ["0m", /at least 5m/],
    ["4m", /at least 5m/],
    ["31d", /at most 30d/],
    ["721h", /at most 30d/],
    ["999999m", /at most 30d/],
  ])("rejects %j outside the bounds", (raw, msg) => {
    const r = parseTtl(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(msg);
  });

  it("bounds are 5 minutes and 30 days", () => {
    expect(MIN_TTL_MS).toBe(5 * MIN);
    expect(MAX_TTL_MS).toBe(30 * D);
  });

  it("computes the expiry from now and formats durations and times", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    expect(expiryFrom(now, 72 * H).toISOString()).toBe("2026-01-04T00:00:00.000Z");
    expect(formatDuration(3 * D + 4 * H + 5 * MIN)).toBe("3d 4h");
    expect(formatDuration(2 * H + 5 * MIN)).toBe("2h 5m");
    expect(formatDuration(45 * MIN)).toBe("45m");
    expect(formatDuration(10_000)).toBe("<1m");
    expect(formatUtc(now)).toBe("2026-01-01 00:00 UTC");
  });
});
