import { describe, expect, it } from "vitest";
import { MAX_PR, parsePr, prOfStack, reviewStackName, shortStackName } from "../../../stacks/review/naming";

describe("review stack naming", () => {
  it.each([
    ["42", 42],
    [" 42 ", 42],
    ["#42", 42],
    ["0042", 42],
    ["1", 1],
    [String(MAX_PR), MAX_PR],
  ])("sanitises PR %j to %i", (raw, pr) => {
    expect(parsePr(raw)).toEqual({ ok: true, pr });
  });

  it.each(["", "   ", "#", "abc", "12abc", "-3", "+3", "1.5", "1e3", "0", "000", "0x1f", "12 13", "2147483648", "99999999999"])(
    "rejects PR %j with a message naming --pr",
    (raw) => {
      const r = parsePr(raw);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.problem).toMatch(/^--pr: /);
    },
  );

  it("says the PR is required when it is missing", () => {
    const r = parsePr(undefined);
    expect(r).toEqual({ ok: false, problem: expect.stringContaining("required") });
  });

  it("names the stack review-pr-<n>", () => {
    expect(reviewStackName(7)).toBe("review-pr-7");
    expect(() => reviewStackName(0)).toThrow(RangeError);
    expect(() => reviewStackName(1.5)).toThrow(RangeError);
  });

  it("recognises review stacks, also fully qualified, and nothing else", () => {
    expect(prOfStack("review-pr-12")).toBe(12);
    expect(prOfStack("acme/polystore/review-pr-12")).toBe(12);
    expect(shortStackName("acme/polystore/review-pr-12")).toBe("review-pr-12");
    for (const other of ["dev", "prod", "review", "review-pr-", "review-pr-012", "review-pr-12x", "xreview-pr-12", "review-pr-0"]) {
      expect(prOfStack(other)).toBeUndefined();
    }
  });
});
