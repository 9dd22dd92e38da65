import { describe, expect, it } from "vitest";
import { renderSummary, secretStrings, storeEndpoints, SUMMARY_MARKER, type OutputValue } from "../../../stacks/review/summary";

const now = new Date("2026-06-10T12:00:00Z");
const expiresAt = new Date("2026-06-13T12:00:00Z");

const ADMIN_PW = "Adm1nS3cretXYZ";
const APP_PW = "app/Pw+w1th:chars@";
const ENV_PW = "EnvOnlyPassw0rd";

/** Outputs as `pulumi up` returns them, secrets included. */
function outputs(): Record<string, OutputValue> {
  return {
    stores: {
      secret: false,
      value: {
        postgres: { target: "external", host: "db.review.internal", port: 5432, database: "review_pr_12" },
        redis: { target: "external", host: "10.0.0.7", port: 6379, database: "0" },
      },
    },
    connections: {
      secret: true,
      value: {
        postgres: { kind: "postgres", host: "db.review.internal", port: 5432, admin: { user: "polystore_admin", password: ADMIN_PW }, app: { user: "app_user", password: APP_PW } },
      },
    },
    env: {
      secret: true,
      value: {
        DATABASE_URL: `postgres://app_user:${encodeURIComponent(APP_PW)}@db.review.internal:5432/review_pr_12`,
        REDIS_URL: `redis://app:${ENV_PW}@10.0.0.7:6379/0`,
        NEO4J_PASSWORD: ENV_PW,
      },
    },
    connectionSecrets: { secret: false, value: [{ sink: "env-file", stores: ["postgres", "redis"], location: ".env.review-pr-12" }] },
  };
}

describe("review summary (PR comment)", () => {
  it("lists every store with its target, endpoint and database, and the expiry", () => {
    const md = renderSummary({ stack: "review-pr-12", pr: 12, expiresAt, ttl: "72h", outputs: outputs(), now });
    expect(md.startsWith(SUMMARY_MARKER)).toBe(true);
    expect(md).toContain("PR #12");
    expect(md).toContain("`review-pr-12`");
    expect(md).toContain("| postgres | external | `db.review.internal:5432` | `review_pr_12` |");
    expect(md).toContain("| redis | external | `10.0.0.7:6379` | `0` |");
    expect(md).toContain("**Expires:** 2026-06-13 12:00 UTC (in 3d)");
    expect(md).toContain("72h");
  });

  it("contains no secret, although secret outputs are passed in", () => {
    const md = renderSummary({ stack: "review-pr-12", pr: 12, expiresAt, ttl: "72h", outputs: outputs(), now });
    for (const s of [ADMIN_PW, APP_PW, encodeURIComponent(APP_PW), ENV_PW, "polystore_admin", "DATABASE_URL"]) expect(md).not.toContain(s);
  });

  it("never prints fields other than target/host/port/database, even from the non-secret output", () => {
    const o = outputs();
    (o.stores.value as Record<string, Record<string, unknown>>).postgres.password = ADMIN_PW;
    (o.stores.value as Record<string, Record<string, unknown>>).postgres.url = `postgres://u:${ADMIN_PW}@h/db`;
    const md = renderSummary({ stack: "review-pr-12", pr: 12, expiresAt, ttl: "72h", outputs: o, now });
    expect(md).not.toContain(ADMIN_PW);
    expect(md).toContain("`db.review.internal:5432`");
  });

  it("scrubs a secret even if it leaks into a printed field", () => {
    const o = outputs();
    (o.stores.value as Record<string, Record<string, unknown>>).redis.host = ENV_PW; // a password where a host should be
    const md = renderSummary({ stack: "review-pr-12", pr: 12, expiresAt, ttl: "72h", outputs: o, now });
    expect(md).not.toContain(ENV_PW);
    expect(md).toContain("[secret]");
  });

  it("shows no endpoints when the stores output is itself secret", () => {
    const o = outputs();
    o.stores.secret = true;
    const md = renderSummary({ stack: "review-pr-12", pr: 12, expiresAt, ttl: "72h", outputs: o, now });
    expect(md).not.toContain("db.review.internal");
    expect(md).toContain("No store endpoints");
  });

  it("drops values that could break out of the Markdown table", () => {
    const o = { stores: { secret: false, value: { postgres: { target: "external", host: "evil|`host`\n# x", port: 5432, database: "app" } } } };
    expect(storeEndpoints(o)).toEqual([]);
  });

  it("collects passwords, password keys and URL passwords from secret outputs only", () => {
    const found = secretStrings(outputs());
    expect(found).toEqual(expect.arrayContaining([ADMIN_PW, APP_PW, ENV_PW]));
    expect(found).not.toContain("db.review.internal");
    expect(secretStrings({ stores: { secret: false, value: { password: "NotSecretOutput" } } })).toEqual([]);
  });

  it("says when the stack is already past its expiry", () => {
    const md = renderSummary({ stack: "review-pr-12", pr: 12, expiresAt: new Date("2026-06-01T00:00:00Z"), ttl: "72h", outputs: outputs(), now });
    expect(md).toContain("already expired");
  });
});
