/**
 * The init-adapter contract suite: ONE set of cases every store adapter must pass
 * (in the manner of golang-migrate's `database/testing`, which every driver runs),
 * against the real engine the stores harness started. A store supplies only its
 * differences through a {@link ContractFixture}: its script extension, a probe script
 * that creates one observable object, a failing script, a placeholder script, how to
 * read its ledger and its lock without the adapter, how to make a held lock look
 * abandoned, and how the application identity logs in and is refused an admin action.
 *
 * Where a case cannot apply to an engine (FerretDB has no roles, chDB has no access
 * storage and no network, OpenSearch here runs without its security plugin, Neo4j
 * Community has no RBAC), the fixture says so with a reason; the case is then reported
 * SKIPPED with that reason (each listed in test/allowed-skips.json), never passed.
 *
 * Imports from components/ are limited to the init index (createAdapter, runStore,
 * discoverScripts, types) and the shared types, so the suite does not depend on where
 * the adapters live or how they are loaded.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, type TestContext } from "vitest";
import { createAdapter, discoverScripts, runStore, type LedgerEntry, type RunOptions, type RunReport, type StoreAdapter } from "../../../components/init";
import type { StoreConnection, StoreKind } from "../../../components/core/types";
import type { EngineKind } from "../../harness/engines";
import { ok } from "../init-support";

/** Contract cases a store may declare not applicable (with a reason). */
export type OptionalCase = "unreachable" | "wrongPassword" | "appLogin" | "leastPrivilege";

/** What one store supplies to the contract. */
export interface ContractFixture {
  /** The harness engine (postgres, redis, mongodb, elasticsearch, opensearch, neo4j, clickhouse). */
  engine: EngineKind;
  /** The store kind the adapter is built for (opensearch is an `elasticsearch` connection). */
  kind: StoreKind;
  /** The script extension, with the dot. */
  ext: string;
  /** A fresh, empty place for a ledger (own database, or the cleared cluster) and a distinct application identity. */
  fresh(base: StoreConnection): Promise<StoreConnection>;
  /** Removes what `fresh` and the runs created (database, users). */
  cleanup(conn: StoreConnection): Promise<void>;
  /** The ledger as the store holds it, read WITHOUT the adapter: `[version, success]`, by version. */
  rawLedger(conn: StoreConnection): Promise<Array<[number, boolean]>>;
  /** The init lock's holder as the store shows it (without the adapter), or undefined when nobody holds it. */
  lockHolder(conn: StoreConnection): Promise<string | undefined>;
  /** Makes the lock `owner` holds look abandoned: its lease expired, or (PostgreSQL) its session died. */
  abandonLock(conn: StoreConnection, owner: string): Promise<void>;
  probe: {
    /** A script (this store's format) that creates object `id` (idempotently where the engine allows). `id` is lower-case letters and _. */
    script(id: string): string;
    exists(conn: StoreConnection, id: string): Promise<boolean>;
  };
  failing: {
    /** A script whose first statement is `probe.script(id)`'s (where the format has statements) and whose next one fails. */
    script(id: string): string;
    /** The engine's error as the run reports it after `<file> failed: `. */
    error: RegExp;
    /** The engine rolls a failed script back with its ledger row (PostgreSQL); otherwise a failed row is recorded. */
    transactional: boolean;
    /** Whether the statement before the failing one stays applied (false where transactional, or one call per script). */
    firstStatementStays: boolean;
  };
  placeholder: {
    /** A placeholder name the adapter offers (a key of `adapter.placeholders()`). */
    name: string;
    /** A script storing the placeholder's value where `read` finds it. */
    script: string;
    read(conn: StoreConnection): Promise<string | undefined>;
  };
  identity: {
    /** Whether `user`/`password` of the application identity can log in (false when refused as bad credentials). */
    login(conn: StoreConnection, password: string): Promise<boolean>;
    /** As the application: use its own namespace (must succeed). */
    useOwn(conn: StoreConnection): Promise<void>;
    /** As the application: admin actions, each expected to be refused (asserts inside). */
    refusedAdmin(conn: StoreConnection): Promise<void>;
  };
  /** Cases that cannot apply to this engine, each with the reason; decided once, against the running engine. */
  notApplicable?(base: StoreConnection): Promise<Partial<Record<OptionalCase, string>>>;
}

/** The case titles, exported so other files (and test/allowed-skips.json) name them the same way. */
export const CONTRACT_CASES = {
  unreachable: "a store that does not answer fails after the wait timeout, naming the store and its address",
  wrongPassword: "wrong admin credentials fail at once (no waiting) and the password is not in the report",
  status: "status before any apply lists every script pending and writes nothing (no ledger rows, no lock)",
  scratch: "applies every shipped script from scratch in version order, writes the ledger, then a re-run is a no-op",
  order: "applies scripts in numeric version order, not file-name order",
  concurrent: "four concurrent runners apply each script exactly once and leave the lock free",
  lock: "a held lock makes a runner wait and fail naming the holder, others cannot release it, an abandoned one is taken over",
  changed: "refuses a changed applied script (naming the file and the repair command); repair re-records it without re-running it",
  failing: "a failing script reports the file and engine error, stops the run, leaves the ledger consistent, and apply resumes after the fix",
  repair: "repair removes a failed ledger entry so apply runs it again, and reports (never touches) entries without a file",
  lostLedger: "a ledger that lost versions recorded in the stack's state is reported by status and handled by apply as the adapter declares",
  placeholders: "substitutes the adapter's placeholders; an unknown placeholder stops the run before anything is applied",
  appLogin: "ensures the application identity on every apply: it logs in and uses its namespace, and a rotated password replaces the old one",
  leastPrivilege: "the application identity is least-privilege: admin actions as the application are refused",
} as const;

const OPTS: RunOptions = { waitTimeoutMs: 30_000, lockTimeoutMs: 60_000 };

/** Registers the contract cases for one store. */
export function describeAdapterContract(fx: ContractFixture): void {
  describe(`${fx.engine} adapter contract`, () => {
    let base: StoreConnection;
    let na: Partial<Record<OptionalCase, string>> = {};
    const conns: StoreConnection[] = [];
    const dirs: string[] = [];
    const shippedDir = join(__dirname, "..", "..", "..", "init-scripts", fx.kind);
    const shipped = discoverScripts(shippedDir, [fx.ext]);
    const shippedVersions = shipped.map((s) => s.version);
    const applied = (r: RunReport) => r.applied.map((a) => a.version);
    const allSucceeded = (versions: number[]) => versions.map((v): [number, boolean] => [v, true]);

    beforeAll(async () => {
      const all = (inject as unknown as (k: string) => Partial<Record<EngineKind, StoreConnection>>)("connections");
      const c = all[fx.engine];
      if (!c) throw new Error(`the stores harness did not start ${fx.engine} (see POLYSTORE_HARNESS_ENGINES)`);
      base = c;
      na = (await fx.notApplicable?.(base)) ?? {};
    });
    afterAll(async () => {
      for (const c of conns) await fx.cleanup(c).catch(() => undefined);
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    async function fresh(): Promise<StoreConnection> {
      const c = await fx.fresh(base);
      conns.push(c);
      return c;
    }
    /** A scripts directory: the shipped scripts (unless `withShipped` is false) plus `extra` files. */
    function scriptsDir(extra: Record<string, string> = {}, withShipped = true): string {
      const dir = mkdtempSync(join(tmpdir(), `polystore-contract-${fx.engine}-`));
      dirs.push(dir);
      if (withShipped) cpSync(shippedDir, dir, { recursive: true });
      for (const [name, body] of Object.entries(extra)) writeFileSync(join(dir, name), body);
      return dir;
    }
    const file = (version: string, name: string) => `${version}_${name}${fx.ext}`;
    /** One runner with a fresh adapter, as `npm run migrate` does it; every report is checked for secrets. */
    async function run(conn: StoreConnection, op: "status" | "apply" | "repair", opts: RunOptions = {}): Promise<RunReport> {
      const report = await runStore(conn, await createAdapter(conn), op, { ...OPTS, ...opts });
      noSecrets(conn, report);
      return report;
    }
    async function adapterLedger(conn: StoreConnection): Promise<LedgerEntry[]> {
      return withAdapter(conn, (a) => a.readLedger());
    }
    function skipIf(ctx: TestContext, c: OptionalCase): void {
      const why = na[c];
      if (why) ctx.skip(`not applicable to ${fx.engine}: ${why}`);
    }

    it(CONTRACT_CASES.unreachable, async (ctx) => {
      skipIf(ctx, "unreachable");
      const port = await closedPort();
      const down = { ...base, port };
      const started = Date.now();
      const r = await run(down, "status", { waitTimeoutMs: 1500 });
      expect(r.ok).toBe(false);
      expect(r.error).toContain(`${fx.kind} at ${base.host}:${port} did not answer within 1500 ms`);
      // It kept trying: either it retried with backoff (200, 400 ms …) until the next wait would pass the
      // timeout, or one attempt alone used the timeout up (the MongoDB driver waits 5 s for a server).
      const attempts = Number(/\((\d+) attempts\)/.exec(r.error ?? "")?.[1]);
      const elapsed = Date.now() - started;
      expect(attempts >= 2 ? elapsed >= 550 : attempts === 1 && elapsed >= 1500, `${attempts} attempt(s) in ${elapsed} ms`).toBe(true);
    });

    it(CONTRACT_CASES.wrongPassword, async (ctx) => {
      skipIf(ctx, "wrongPassword");
      const wrong = `${base.admin.password}-wrong`;
      const started = Date.now();
      const r = await runStore({ ...base, admin: { ...base.admin, password: wrong } }, await createAdapter({ ...base, admin: { ...base.admin, password: wrong } }), "status", {
        waitTimeoutMs: 30_000,
      });
      expect(r.ok).toBe(false);
      expect(r.error).toContain(`${fx.kind} at ${base.host}:${base.port} refused the admin credentials`);
      expect(r.error).not.toContain(wrong);
      expect(Date.now() - started).toBeLessThan(15_000);
    });

    it(CONTRACT_CASES.status, async () => {
      const conn = await fresh();
      const s = ok(await run(conn, "status"));
      expect(s).toMatchObject({ applied: [], skipped: [], pending: shippedVersions, missingFiles: [], repaired: [] });
      expect(await fx.rawLedger(conn)).toEqual([]);
      expect(await adapterLedger(conn)).toEqual([]);
      expect(await fx.lockHolder(conn)).toBeUndefined();
    });

    it(CONTRACT_CASES.scratch, async () => {
      const conn = await fresh();
      const first = ok(await run(conn, "apply"));
      expect(first.applied.map((a) => a.fileName)).toEqual(shipped.map((s) => s.fileName));
      expect(first.pending).toEqual([]);
      expect(await fx.rawLedger(conn)).toEqual(allSucceeded(shippedVersions));
      const ledger = await adapterLedger(conn);
      expect(ledger.map((e) => [e.version, e.name, e.checksum, e.success])).toEqual(shipped.map((s) => [s.version, s.name, s.checksum, true]));
      for (const e of ledger) expect(Number.isNaN(Date.parse(e.appliedAt))).toBe(false);
      expect(await fx.lockHolder(conn)).toBeUndefined();

      const again = ok(await run(conn, "apply"));
      expect(again.applied).toEqual([]);
      expect(again.skipped).toEqual(shippedVersions);
      expect(again.pending).toEqual([]);
      expect(again.roundTrips).toBeGreaterThan(0);
      // A no-op run writes no ledger row (appliedAt unchanged) and takes no lock.
      expect(await adapterLedger(conn)).toEqual(ledger);
      expect(await fx.lockHolder(conn)).toBeUndefined();
      const status = ok(await run(conn, "status"));
      expect(status).toMatchObject({ skipped: shippedVersions, pending: [], missingFiles: [] });
    });

    it(CONTRACT_CASES.order, async () => {
      const conn = await fresh();
      // "0010" sorts before "009" as text; versions are numbers, so 9 runs first.
      const dir = scriptsDir({ [file("0010", "contract_ten")]: fx.probe.script("contract_ten"), [file("009", "contract_nine")]: fx.probe.script("contract_nine") }, false);
      const r = ok(await run(conn, "apply", { scriptsDir: dir }));
      expect(r.applied.map((a) => a.fileName)).toEqual([file("009", "contract_nine"), file("0010", "contract_ten")]);
      expect(await fx.rawLedger(conn)).toEqual(allSucceeded([9, 10]));
      expect(await fx.probe.exists(conn, "contract_nine")).toBe(true);
      expect(await fx.probe.exists(conn, "contract_ten")).toBe(true);
    });

    it(CONTRACT_CASES.concurrent, async () => {
      const conn = await fresh();
      const reports = await Promise.all([1, 2, 3, 4].map((i) => run(conn, "apply", { owner: `runner-${i}` })));
      for (const r of reports) ok(r);
      expect(reports.flatMap(applied).sort((a, b) => a - b)).toEqual(shippedVersions);
      expect(reports.filter((r) => r.applied.length === shippedVersions.length)).toHaveLength(1);
      expect(await fx.rawLedger(conn)).toEqual(allSucceeded(shippedVersions));
      expect(await fx.lockHolder(conn)).toBeUndefined();
    });

    it(CONTRACT_CASES.lock, async () => {
      const conn = await fresh();
      const holder = await createAdapter(conn);
      const other = await createAdapter(conn);
      await holder.connect();
      await other.connect();
      try {
        await holder.acquireLock("holder-A", 5_000);
        expect(await fx.lockHolder(conn)).toContain("holder-A");
        const started = Date.now();
        const blocked = await run(conn, "apply", { lockTimeoutMs: 800, waitTimeoutMs: 10_000 });
        expect(blocked.ok).toBe(false);
        expect(blocked.error).toContain(`${fx.kind} at `);
        expect(blocked.error).toMatch(/could not take the init lock within 800 ms \(held by [^)]*holder-A\)/);
        expect(Date.now() - started).toBeGreaterThanOrEqual(400); // it waited (an adapter may give up once its next backoff step would overshoot the timeout)
        expect(blocked.applied).toEqual([]);
        expect(await fx.rawLedger(conn)).toEqual([]); // nothing ran
        // Repair takes the same lock.
        expect((await run(conn, "repair", { lockTimeoutMs: 500 })).error).toMatch(/could not take the init lock within 500 ms/);

        // Another runner cannot release it, not even by naming an owner.
        await other.releaseLock("not-the-owner");
        expect(await fx.lockHolder(conn)).toContain("holder-A");

        // The holder crashed: its lock is abandoned and the next runner takes it over.
        await fx.abandonLock(conn, "holder-A");
        const taken = ok(await run(conn, "apply", { lockTimeoutMs: 10_000 }));
        expect(applied(taken)).toEqual(shippedVersions);
        expect(await fx.lockHolder(conn)).toBeUndefined();
      } finally {
        await holder.releaseLock("holder-A").catch(() => undefined);
        await holder.close();
        await other.close();
      }
      // Released and applied: the next run is a no-op.
      expect(ok(await run(conn, "apply")).skipped).toEqual(shippedVersions);
    });

    it(CONTRACT_CASES.changed, async () => {
      const conn = await fresh();
      const name = file("900", "contract_changed");
      const dir = scriptsDir({ [name]: fx.probe.script("contract_before") });
      ok(await run(conn, "apply", { scriptsDir: dir }));
      const before = (await adapterLedger(conn)).find((e) => e.version === 900)!;
      writeFileSync(join(dir, name), fx.probe.script("contract_after"));
      const after = discoverScripts(dir, [fx.ext]).find((s) => s.version === 900)!;

      const status = ok(await run(conn, "status", { scriptsDir: dir }));
      expect(status.notes).toContain(`changed since applied (run repair if intended): ${name}`);
      const refused = await run(conn, "apply", { scriptsDir: dir });
      expect(refused.ok).toBe(false);
      expect(refused.error).toContain(`already-applied script(s) changed on disk: ${name}`);
      expect(refused.error).toContain(`npm run migrate -- repair --stack <stack> --store ${fx.kind}`);
      expect(refused.applied).toEqual([]);
      expect(await fx.probe.exists(conn, "contract_after")).toBe(false);

      const repaired = ok(await run(conn, "repair", { scriptsDir: dir }));
      expect(repaired.repaired).toEqual([{ version: 900, action: "checksum-updated", from: before.checksum, to: after.checksum }]);
      expect((await adapterLedger(conn)).find((e) => e.version === 900)).toMatchObject({ checksum: after.checksum, success: true });
      expect(await fx.probe.exists(conn, "contract_after")).toBe(false); // re-recorded, NOT re-run
      expect(await fx.probe.exists(conn, "contract_before")).toBe(true);
      const again = ok(await run(conn, "apply", { scriptsDir: dir }));
      expect(again.applied).toEqual([]);
      expect(again.skipped).toEqual([...shippedVersions, 900]);
    });

    it(CONTRACT_CASES.failing, async () => {
      const conn = await fresh();
      const failName = file("901", "contract_fail");
      const dir = scriptsDir({ [failName]: fx.failing.script("contract_first"), [file("902", "contract_next")]: fx.probe.script("contract_next") });
      const failed = await run(conn, "apply", { scriptsDir: dir });
      expect(failed.ok).toBe(false);
      const escaped = failName.replace(/\./g, "\\.");
      expect(failed.error).toMatch(new RegExp(`${escaped} failed: [^\\n]*${fx.failing.error.source}`));
      expect(failed.error).toContain(fx.failing.transactional ? "(rolled back; nothing from this script was kept)" : "(recorded as failed; fix the script and re-run apply to retry it)");
      expect(applied(failed)).toEqual(shippedVersions);
      expect(await fx.probe.exists(conn, "contract_next")).toBe(false); // nothing after the failing script ran
      expect(await fx.probe.exists(conn, "contract_first")).toBe(fx.failing.firstStatementStays);
      if (fx.failing.transactional) {
        expect(await fx.rawLedger(conn)).toEqual(allSucceeded(shippedVersions));
      } else {
        expect(await fx.rawLedger(conn)).toEqual([...allSucceeded(shippedVersions), [901, false]]);
        const row = (await adapterLedger(conn)).find((e) => e.version === 901)!;
        expect(row.error).toMatch(fx.failing.error);
      }
      expect(await fx.lockHolder(conn)).toBeUndefined();
      const status = ok(await run(conn, "status", { scriptsDir: dir }));
      expect(status.pending).toEqual([901, 902]);
      expect(status.retried).toEqual(fx.failing.transactional ? [] : [901]);

      writeFileSync(join(dir, failName), fx.probe.script("contract_first"));
      const fixed = ok(await run(conn, "apply", { scriptsDir: dir }));
      expect(applied(fixed)).toEqual([901, 902]);
      expect(fixed.retried).toEqual(fx.failing.transactional ? [] : [901]);
      expect(fixed.skipped).toEqual(shippedVersions);
      expect(await fx.rawLedger(conn)).toEqual(allSucceeded([...shippedVersions, 901, 902]));
      expect(await fx.probe.exists(conn, "contract_first")).toBe(true);
      expect(await fx.probe.exists(conn, "contract_next")).toBe(true);
    });

    it(CONTRACT_CASES.repair, async () => {
      const conn = await fresh();
      const planted = file("903", "contract_planted");
      const gone = file("904", "contract_gone");
      const dir = scriptsDir({ [gone]: fx.probe.script("contract_gone") });
      ok(await run(conn, "apply", { scriptsDir: dir }));
      // A failed entry, however it got there (an earlier run of a non-transactional engine), written through the adapter.
      await withAdapter(conn, (a) =>
        a.record({ version: 903, name: "contract_planted", checksum: "0".repeat(64), appliedAt: new Date().toISOString(), durationMs: 1, success: false, error: "planted failure" }),
      );
      writeFileSync(join(dir, planted), fx.probe.script("contract_planted"));
      rmSync(join(dir, gone));

      const status = ok(await run(conn, "status", { scriptsDir: dir }));
      expect(status).toMatchObject({ pending: [903], retried: [903], missingFiles: [904] });
      expect(status.notes).toContain("ledger entries with no file: 904");
      const repaired = ok(await run(conn, "repair", { scriptsDir: dir }));
      expect(repaired.repaired).toEqual([{ version: 903, action: "failed-entry-removed" }]);
      expect(repaired.missingFiles).toEqual([904]);
      expect(repaired.pending).toEqual([903]);
      expect(await fx.rawLedger(conn)).toEqual(allSucceeded([...shippedVersions, 904])); // 904 kept: reported, never touched

      const resumed = ok(await run(conn, "apply", { scriptsDir: dir }));
      expect(applied(resumed)).toEqual([903]);
      expect(resumed.retried).toEqual([]);
      expect(resumed.missingFiles).toEqual([904]);
      expect(await fx.probe.exists(conn, "contract_planted")).toBe(true);
      expect(await fx.rawLedger(conn)).toEqual(allSucceeded([...shippedVersions, 903, 904]));
    });

    it(CONTRACT_CASES.lostLedger, async () => {
      const conn = await fresh();
      ok(await run(conn, "apply"));
      const last = shippedVersions[shippedVersions.length - 1]!;
      const evictable = (await createAdapter(conn)).ledgerMayBeEvicted === true;
      await withAdapter(conn, (a) => a.removeEntry(last));
      const status = ok(await run(conn, "status", { recorded: shippedVersions }));
      expect(status.pending).toEqual([last]);
      expect(status.notes.join("\n")).toContain(`ledger lost: version(s) ${last} are recorded as applied in the stack's state but missing from the store's ledger`);
      const r = await run(conn, "apply", { recorded: shippedVersions });
      if (evictable) {
        // Scripts idempotent by contract: re-applied, saying so.
        ok(r);
        expect(applied(r)).toEqual([last]);
        expect(r.notes.join("\n")).toMatch(/ledger lost: .*re-applying them/);
        expect(await fx.rawLedger(conn)).toEqual(allSucceeded(shippedVersions));
      } else {
        expect(r.ok).toBe(false);
        expect(r.error).toMatch(new RegExp(`ledger lost: version\\(s\\) ${last} .*refusing to run them again`));
        expect(r.applied).toEqual([]);
        expect(await fx.rawLedger(conn)).toEqual(allSucceeded(shippedVersions.slice(0, -1)));
      }
    });

    it(CONTRACT_CASES.placeholders, async () => {
      const conn = await fresh();
      const expected = (await createAdapter(conn)).placeholders()[fx.placeholder.name];
      expect(expected, `${fx.kind} offers placeholder ${fx.placeholder.name}`).toBeDefined();
      expect(fx.placeholder.script).toContain(`\${${fx.placeholder.name}}`);
      // An unknown placeholder in a later script stops the run before the earlier pending one is applied.
      const bad = file("906", "contract_unknown");
      const dir = scriptsDir({
        [file("905", "contract_placeholder")]: fx.placeholder.script,
        [bad]: fx.placeholder.script.replace(`\${${fx.placeholder.name}}`, "${NO_SUCH_PLACEHOLDER}"),
      });
      ok(await run(conn, "apply"));
      const refused = await run(conn, "apply", { scriptsDir: dir });
      expect(refused.ok).toBe(false);
      expect(refused.error).toMatch(new RegExp(`${bad.replace(/\./g, "\\.")}:\\d+: unknown placeholder \\$\\{NO_SUCH_PLACEHOLDER\\} \\(known: [^)]*${fx.placeholder.name}`));
      expect(refused.applied).toEqual([]);
      expect(await fx.rawLedger(conn)).toEqual(allSucceeded(shippedVersions));
      expect(await fx.placeholder.read(conn)).toBeUndefined();

      rmSync(join(dir, bad));
      expect(applied(ok(await run(conn, "apply", { scriptsDir: dir })))).toEqual([905]);
      expect(await fx.placeholder.read(conn)).toBe(expected);
    });

    it(CONTRACT_CASES.appLogin, async (ctx) => {
      skipIf(ctx, "appLogin");
      const conn = await fresh();
      const r = ok(await run(conn, "apply"));
      expect(r.notes.join("\n")).toContain(conn.app.user);
      expect(await fx.identity.login(conn, conn.app.password)).toBe(true);
      await fx.identity.useOwn(conn);
      // The identity is not ledgered: a no-op apply still ensures it, with the rotated password.
      const rotated = { ...conn, app: { ...conn.app, password: `${conn.app.password}-rotated` } };
      const again = ok(await run(rotated, "apply"));
      expect(again.applied).toEqual([]);
      expect(await fx.identity.login(rotated, rotated.app.password)).toBe(true);
      expect(await fx.identity.login(conn, conn.app.password)).toBe(false);
      await fx.identity.useOwn(rotated);
    });

    it(CONTRACT_CASES.leastPrivilege, async (ctx) => {
      skipIf(ctx, "leastPrivilege");
      const conn = await fresh();
      ok(await run(conn, "apply"));
      await fx.identity.useOwn(conn);
      await fx.identity.refusedAdmin(conn);
      // The refusals changed nothing the runner owns.
      expect(await fx.rawLedger(conn)).toEqual(allSucceeded(shippedVersions));
      expect(ok(await run(conn, "apply")).skipped).toEqual(shippedVersions);
    });
  });
}

/** A connected adapter for `f`, always closed. */
export async function withAdapter<T>(conn: StoreConnection, f: (a: StoreAdapter) => Promise<T>): Promise<T> {
  const a = await createAdapter(conn);
  await a.connect();
  try {
    return await f(a);
  } finally {
    await a.close();
  }
}

/** No password of the connection appears anywhere in the report. */
function noSecrets(conn: StoreConnection, report: RunReport): void {
  const json = JSON.stringify(report);
  for (const secret of [conn.admin.password, conn.app.password].filter((s) => s.length >= 6)) expect(json).not.toContain(secret);
}

/** A loopback port nothing listens on (bound, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
