/**
 * Review stack names: `review-pr-<n>` for pull request n. PR numbers come
 * from people and from CI expressions, so they are sanitised (spaces, a
 * leading `#`, leading zeros) and anything else is rejected.
 */

/** Prefix of every review stack. */
export const REVIEW_PREFIX = "review-pr-";

/** Largest PR number accepted (GitHub's are 32-bit). */
export const MAX_PR = 2_147_483_647;

const STACK_RE = /^review-pr-([1-9][0-9]{0,9})$/;

/** A PR number, or the reason the input is not one. */
export type PrResult = { ok: true; pr: number } | { ok: false; problem: string };

/**
 * Parses a PR number: `12`, ` 12 `, `#12`, `0012` → 12. Rejects empty input,
 * signs, decimals, exponents, letters, 0 and numbers above MAX_PR.
 */
export function parsePr(raw: string | undefined): PrResult {
  if (raw === undefined || raw.trim() === "") {
    return { ok: false, problem: "--pr: required, the pull request number (e.g. --pr 42)" };
  }
  const s = raw.trim().replace(/^#/, "");
  if (!/^[0-9]+$/.test(s)) {
    return { ok: false, problem: `--pr: expected a pull request number (digits only, e.g. 42), got ${JSON.stringify(raw)}` };
  }
  const digits = s.replace(/^0+(?=.)/, "");
  if (digits.length > 10 || Number(digits) > MAX_PR) {
    return { ok: false, problem: `--pr: expected a pull request number at most ${MAX_PR}, got ${JSON.stringify(raw)}` };
  }
  const pr = Number(digits);
  if (pr < 1) return { ok: false, problem: `--pr: expected a pull request number of at least 1, got ${JSON.stringify(raw)}` };
  return { ok: true, pr };
}

/** `review-pr-<n>` for a valid PR number. */
export function reviewStackName(pr: number): string {
  if (!Number.isSafeInteger(pr) || pr < 1 || pr > MAX_PR) throw new RangeError(`not a pull request number: ${pr}`);
  return `${REVIEW_PREFIX}${pr}`;
}

/**
 * The PR number of a review stack name, or undefined for any other stack.
 * Accepts fully qualified names (`org/project/review-pr-12`).
 */
export function prOfStack(name: string): number | undefined {
  const short = name.split("/").pop() ?? "";
  const m = STACK_RE.exec(short);
  if (!m) return undefined;
  const pr = Number(m[1]);
  return pr <= MAX_PR ? pr : undefined;
}

/** The stack's short name (without `org/project/`). */
export function shortStackName(name: string): string {
  return name.split("/").pop() ?? name;
}
