/**
 * Settings that bound the application identity (issue 14): PostgreSQL's
 * role-level session limits and Redis's opt-in to EVAL. Defaults, validation
 * by exact message, and what reaches the init runner's connection options.
 */
import { describe, expect, it } from "vitest";
import { sessionLimits } from "../../../components/init/adapters/postgres";
import { STORES } from "../../../components/stores";
import type { StoreConnection } from "../../../components/core/types";
import { parseConfig } from "../../../stacks/config";

describe("application identity settings", () => {
  it("default to 5 s lock / 30 s statement / 60 s idle-in-transaction and no Lua, and reach the runner's options", () => {
    const c = parseConfig({ stores: { postgres: {}, redis: {} } });
    expect(STORES.postgres.options(c.stores.postgres!)).toEqual({
      ownerRole: "app_owner", appLockTimeoutMs: "5000", appStatementTimeoutMs: "30000", appIdleInTransactionTimeoutMs: "60000",
    });
    expect(STORES.redis.options(c.stores.redis!)).toEqual({ allowAppScripts: "false" });
  });

  it("are validated with every problem named at once", () => {
    expect(() => parseConfig({ stores: { postgres: { appLockTimeoutMs: 0, appIdleInTransactionTimeoutMs: 1.5 }, redis: { allowAppScripts: "yes" } } })).toThrow(
      [
        "Invalid polystore configuration (3 problems):",
        "  - polystore:stores.postgres.appLockTimeoutMs: expected a number at least 100, got 0",
        "  - polystore:stores.postgres.appIdleInTransactionTimeoutMs: expected int, got 1.5",
        '  - polystore:stores.redis.allowAppScripts: expected boolean, got "yes"',
      ].join("\n"),
    );
  });

  it("the adapter refuses bad session limits in a connection file, naming the option", () => {
    const conn: StoreConnection = { kind: "postgres", host: "h", port: 1, tls: false, database: "d", admin: { user: "a", password: "p" }, app: { user: "b", password: "q" } };
    expect(sessionLimits(conn)).toEqual({ lockTimeoutMs: 5000, statementTimeoutMs: 30000, idleInTransactionTimeoutMs: 60000 });
    expect(() => sessionLimits({ ...conn, options: { appLockTimeoutMs: "0", appStatementTimeoutMs: "1s" } })).toThrow(
      'postgres: options.appLockTimeoutMs "0" must be a whole number of milliseconds from 100 to 86400000\n' +
        'postgres: options.appStatementTimeoutMs "1s" must be a whole number of milliseconds from 100 to 86400000',
    );
  });
});
