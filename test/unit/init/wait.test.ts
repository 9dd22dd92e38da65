import { describe, expect, it } from "vitest";
import type { StoreAdapter } from "../../../components/init/adapter";
import { waitForStore } from "../../../components/init/runner";

/** A store whose connect() fails with the given errors, in order, then succeeds. */
function flaky(errors: string[]): StoreAdapter & { attempts: number } {
  const a = {
    kind: "postgres",
    address: "127.0.0.1:5432",
    attempts: 0,
    async connect() {
      const e = errors[a.attempts++];
      if (e) throw new Error(e);
    },
    async ping() {},
    async close() {},
  };
  return a as unknown as StoreAdapter & { attempts: number };
}

describe("waiting for a store", () => {
  it("retries while the store does not answer, then succeeds", async () => {
    const a = flaky(["connect ECONNREFUSED 127.0.0.1:5432", "the database system is starting up"]);
    await waitForStore(a, 10_000, () => undefined);
    expect(a.attempts).toBe(3);
  });

  it("fails at once, naming store and address, when the credentials are refused", async () => {
    const a = flaky(['password authentication failed for user "polystore_admin"', "never reached"]);
    await expect(waitForStore(a, 10_000, () => undefined)).rejects.toThrow(/^postgres at 127\.0\.0\.1:5432 refused the admin credentials/);
    expect(a.attempts).toBe(1);
  });

  it("gives up after the timeout with the last error", async () => {
    const a = flaky(Array(100).fill("connect ECONNREFUSED 127.0.0.1:5432"));
    await expect(waitForStore(a, 300, () => undefined)).rejects.toThrow(/postgres at 127\.0\.0\.1:5432 did not answer within 300 ms .*ECONNREFUSED/);
  });
});
