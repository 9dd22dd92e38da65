import { describe, expect, it } from "vitest";
import { META_KEYS, metaFromConfig, parseDate, reviewState, selectExpired } from "../../../stacks/review/expiry";

const now = new Date("2026-06-10T12:00:00Z");
const at = (iso: string) => new Date(iso);

describe("expiry selection", () => {
  const stacks = [
    { stack: "review-pr-1", expiresAt: at("2026-06-10T11:59:59Z") }, // 1 s past
    { stack: "review-pr-2", expiresAt: at("2026-06-10T12:00:00Z") }, // exactly now: expired
    { stack: "review-pr-3", expiresAt: at("2026-06-10T12:00:01Z") }, // 1 s to go
    { stack: "review-pr-4", expiresAt: undefined }, // nothing recorded
    { stack: "review-pr-5", expiresAt: at("2026-05-01T00:00:00Z") }, // long expired
    { stack: "review-pr-6", expiresAt: at("2026-07-01T00:00:00Z") },
  ];

  it("classifies each stack at a given time", () => {
    expect(stacks.map((s) => reviewState(s, now))).toEqual(["expired", "expired", "active", "unknown", "expired", "active"]);
  });

  it("gc picks exactly the expired stacks, oldest expiry first, never one without an expiry", () => {
    expect(selectExpired(stacks, now).map((s) => s.stack)).toEqual(["review-pr-5", "review-pr-1", "review-pr-2"]);
  });

  it("depends on now: earlier nothing is expired, much later everything with an expiry is", () => {
    expect(selectExpired(stacks, at("2026-01-01T00:00:00Z"))).toEqual([]);
    expect(selectExpired(stacks, at("2027-01-01T00:00:00Z")).map((s) => s.stack)).toEqual([
      "review-pr-5",
      "review-pr-1",
      "review-pr-2",
      "review-pr-3",
      "review-pr-6",
    ]);
  });

  it("reads createdAt/expiresAt from the stack's config and ignores malformed dates", () => {
    expect(metaFromConfig({ [META_KEYS.expiresAt]: "2026-06-11T00:00:00.000Z", [META_KEYS.createdAt]: "2026-06-08T00:00:00.000Z" })).toEqual({
      expiresAt: at("2026-06-11T00:00:00Z"),
      createdAt: at("2026-06-08T00:00:00Z"),
    });
    expect(metaFromConfig({ [META_KEYS.expiresAt]: "next tuesday" })).toEqual({ expiresAt: undefined, createdAt: undefined });
    expect(parseDate("")).toBeUndefined();
    expect(parseDate(42)).toBeUndefined();
  });

  it("keeps its metadata outside the strictly validated polystore namespace", () => {
    for (const key of Object.values(META_KEYS)) expect(key.startsWith("polystore:")).toBe(false);
  });
});
