/**
 * The whole path with the REAL Pulumi engine (CLI v3.248.0 built from source by
 * test/e2e/setup-pulumi.sh) against REAL stores (started by the harness in
 * test/e2e/global-setup.ts): program → init scripts → secrets → policy pack →
 * review stacks → destroy.
 *
 * A copy of the project in a temp folder (support/project.ts) gets a stack `e2e`
 * whose stores use the `external` target, pointed at the harness engines, with
 * a file:// backend and a generated passphrase. Steps, in order (each depends on
 * the ones before):
 *   1. `pulumi up` applies every shipped init script of every store through the
 *      engine (ledgers read with the stores' own drivers) and writes `.env.e2e`
 *      (0600) whose application credentials really work, with least privilege;
 *   2. a second `pulumi up --expect-no-changes` changes nothing and applies nothing;
 *   3. `pulumi preview --policy-pack policies` runs the real pack: no mandatory violation;
 *   4. neither `pulumi stack export` nor any file of the state folder holds a password;
 *   5. `npm run review -- up/list/gc/down` work against the same backend;
 *   6. `pulumi destroy` removes the stack's resources and `.env.e2e`, keeps the
 *      stores' data and ledgers, and says so.
 *
 * NOT exercised by the real engine here — and exactly why:
 * - `random.RandomPassword` (components/core/identity.ts): the `random` provider
 *   plugin cannot be built on this machine (the Go module proxy answers 403 for
 *   github.com/pulumi/pulumi-random/provider/v4; see test/e2e/PULUMI_CLI.md). So
 *   every store gets an `appPassword` generated here (crypto.randomBytes) as secret
 *   config and the program registers no RandomPassword. The unit tests cover it
 *   under mocks.
 * - Side effect of that, TODAY: a given `appPassword` means "application user
 *   managed outside polystore" (components/stores/store.ts sets
 *   options.manageAppUser = "false"), so polystore does not create the PostgreSQL
 *   application role nor the Redis ACL user; the test creates them as the external
 *   operator would (support/stores.ts `prepareExternal`). MongoDB, Elasticsearch
 *   and Neo4j application users ARE created by polystore during `pulumi up`.
 * - ClickHouse: the harness's ClickHouse is chdb, an in-process library with no
 *   HTTP/native server (npm chdb 3.4.0), so no `external` endpoint can point at it
 *   and the e2e stack has no ClickHouse store; its init scripts are proven against
 *   chdb in `npm run test:stores`.
 * - FerretDB stands in for MongoDB (no roles: the MongoDB app user has full rights);
 *   Neo4j is Community (no roles either). What those engines lack is listed in
 *   test/stores/*.test.ts.
 *
 * Nothing is skipped: without a Pulumi CLI or an engine the run fails (the global
 * setup throws), in CI and locally alike.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { StoreConnection } from "../../components/core/types";
import { E2E_STORES, type E2eStore } from "./global-setup";
import { createProject, digest, output, pulumi, REPO_ROOT, resourceSummary, run, type E2eProject, type RunResult } from "./support/project";
import { othersAsApp, parseDotEnv, postgresAsApp, redisAclOf, redisAsApp } from "./support/app";
import { readLedgers, schemaObjects, shippedScripts, type LedgerRow } from "./support/ledgers";
import { E2E_NAMES, prepareExternal } from "./support/stores";

const STACK = "e2e";
const ENV_FILE = `.env.${STACK}`;
const URL_VARS: Record<E2eStore, string> = {
  postgres: "DATABASE_URL",
  redis: "REDIS_URL",
  mongodb: "MONGODB_URL",
  elasticsearch: "ELASTICSEARCH_URL",
  neo4j: "NEO4J_URI",
};
const PINNED = (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies["@pulumi/pulumi"];
/** Review stacks of this run (review.test.ts uses 900000+). */
const PR_BASE = 700_000 + (process.pid % 9_000) * 10;
const PR = { kept: PR_BASE + 1, expired: PR_BASE + 2 };

const secret = () => randomBytes(18).toString("base64url");
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

let conns: Record<E2eStore, StoreConnection>;
let project: E2eProject;
const appPasswords = Object.fromEntries(E2E_STORES.map((k) => [k, secret()])) as Record<E2eStore, string>;
const reviewAppPassword = secret();
const passphrase = secret();
/** Every value that must never appear in plain text in the state, the export or Pulumi's output. */
let secrets: Array<{ what: string; value: string }> = [];
/** Every Pulumi/review command run, for the "never printed" check. */
const runs: Array<{ what: string; r: RunResult }> = [];
let ledgersAfterUp: Record<E2eStore, LedgerRow[]> | undefined;
let envFileHash = "";
let redisAclBefore = "";

/** Runs `pulumi <args>` in the project, records it, logs its duration. */
async function pulumiStep(what: string, args: string[], input?: string): Promise<RunResult> {
  const r = await pulumi(project, args, { input });
  runs.push({ what, r });
  console.log(`[e2e] ${what}: exit ${r.code} in ${seconds(r.ms)}`);
  return r;
}

/** `npm run -s review -- <args>` in the project (the command users run). */
async function review(args: string[]): Promise<RunResult> {
  const r = await run(project, "npm", ["run", "-s", "review", "--", ...args], {
    env: { E2E_REVIEW_REDIS_ADMIN_PASSWORD: conns.redis.admin.password, E2E_REVIEW_APP_PASSWORD: reviewAppPassword },
  });
  runs.push({ what: `review ${args.join(" ")}`, r });
  console.log(`[e2e] npm run review -- ${args.join(" ")}: exit ${r.code} in ${seconds(r.ms)}`);
  return r;
}

/** The plain-text secrets found in `text`, by name (never the values). */
const leaked = (text: string) => secrets.filter((s) => text.includes(s.value)).map((s) => s.what);

/** The non-secret stack config (secrets are set with `pulumi config set --secret --path` afterwards). */
function stackConfig(): Record<string, unknown> {
  const external = (k: E2eStore) => ({ host: conns[k].host, port: conns[k].port, tls: false, adminUser: conns[k].admin.user });
  return {
    "polystore:target": "external",
    "polystore:owner": "e2e",
    "polystore:costCentre": "e2e",
    // A store that does not answer fails the update after 2 minutes instead of the default 5.
    "polystore:initScripts": { timeoutSeconds: 120 },
    "polystore:stores": {
      postgres: { database: E2E_NAMES.postgres.database, appRole: E2E_NAMES.postgres.appRole, external: external("postgres") },
      redis: { appUser: E2E_NAMES.redis.appUser, external: external("redis") },
      mongodb: { database: E2E_NAMES.mongodb.database, appUser: E2E_NAMES.mongodb.appUser, external: external("mongodb") },
      elasticsearch: { appUser: E2E_NAMES.elasticsearch.appUser, external: external("elasticsearch") },
      neo4j: { database: E2E_NAMES.neo4j.database, appUser: E2E_NAMES.neo4j.appUser, external: external("neo4j") },
    },
  };
}

/** Every file under a folder (the file:// backend). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Resources in the stack's state, by type and name (from `pulumi stack export`). */
async function stateResources(): Promise<Array<{ type: string; urn: string }>> {
  const r = await pulumiStep("pulumi stack export", ["stack", "export", "--stack", STACK]);
  expect(r.code, digest(r)).toBe(0);
  return ((JSON.parse(r.stdout) as { deployment: { resources?: Array<{ type: string; urn: string }> } }).deployment.resources ?? []).map(({ type, urn }) => ({ type, urn }));
}

beforeAll(async () => {
  const provided = inject("e2eConnections");
  const missing = E2E_STORES.filter((k) => !provided?.[k]);
  if (missing.length) throw new Error(`the e2e global setup did not start ${missing.join(", ")} (test/e2e/global-setup.ts)`);
  conns = provided;
  secrets = [
    ...E2E_STORES.map((k) => ({ what: `${k} admin password (harness)`, value: conns[k].admin.password })),
    ...E2E_STORES.map((k) => ({ what: `${k} app password (generated)`, value: appPasswords[k] })),
    { what: "review app password", value: reviewAppPassword },
    { what: "state passphrase", value: passphrase },
  ];

  project = createProject(passphrase);
  console.log(`[e2e] project copy ${project.dir}, backend file://${project.stateDir}, harness port offset ${inject("e2ePortOffset")}`);
  const version = await pulumiStep("pulumi version", ["version"]);
  expect(version.stdout.trim(), `the pulumi on PATH after pulumi-env.sh must be the pinned v${PINNED}`).toBe(`v${PINNED}`);

  for (const note of await prepareExternal(conns, appPasswords)) console.log(`[e2e] external operator: ${note}`);
  redisAclBefore = await redisAclOf(conns.redis, E2E_NAMES.redis.appUser);
  expect(redisAclBefore).toMatch(/^user app on /);

  const init = await pulumiStep("pulumi stack init", ["stack", "init", STACK, "--secrets-provider", "passphrase"]);
  expect(init.code, digest(init)).toBe(0);
  const file = join(project.dir, `Pulumi.${STACK}.yaml`);
  const doc = (yaml.load(readFileSync(file, "utf8")) ?? {}) as Record<string, unknown>;
  expect(doc.encryptionsalt, "stack init writes the passphrase provider's salt").toEqual(expect.any(String));
  writeFileSync(file, yaml.dump({ ...doc, config: stackConfig() }));
  // Secrets through stdin, never argv: `pulumi config set` reads the value when none is given.
  for (const k of E2E_STORES) {
    for (const [key, value] of [["adminPassword", conns[k].admin.password], ["appPassword", appPasswords[k]]] as const) {
      const r = await pulumi(project, ["config", "set", "--secret", "--path", `polystore:stores.${k}.external.${key}`, "--stack", STACK], { input: value });
      expect(r.code, `config set ${k}.${key}: ${digest(r)}`).toBe(0);
    }
  }
  const written = readFileSync(file, "utf8");
  expect(leaked(written), "Pulumi.e2e.yaml holds only ciphertext").toEqual([]);
  expect(written.match(/secure: v1:/g)?.length).toBe(2 * E2E_STORES.length);
});

afterAll(() => {
  if (!project) return;
  if (process.env.POLYSTORE_E2E_KEEP === "1") console.log(`[e2e] kept ${project.tmp} (POLYSTORE_E2E_KEEP=1)`);
  else rmSync(project.tmp, { recursive: true, force: true });
});

describe(`stack ${STACK}: the real Pulumi engine against real stores (${E2E_STORES.join(", ")})`, () => {
  it("1. pulumi up applies every shipped init script through the engine and writes .env.e2e with working least-privilege credentials", async () => {
    const up = await pulumiStep("pulumi up (first)", ["up", "--yes", "--skip-preview", "--stack", STACK]);
    expect(up.code, digest(up)).toBe(0);
    const summary = resourceSummary(up);
    console.log(`[e2e] first up: ${JSON.stringify(summary)}`);
    expect(summary.errored ?? 0).toBe(0);
    expect(summary.created).toBeGreaterThan(0);
    const types = await stateResources();
    for (const k of E2E_STORES) {
      expect(types.some((t) => t.urn.endsWith(`::${k}-init`) && t.type === "pulumi-nodejs:dynamic:Resource"), `${k}-init InitScripts resource in state`).toBe(true);
    }
    expect(types.some((t) => t.type.endsWith("DotEnvFile"))).toBe(true);
    expect(types.some((t) => /RandomPassword/.test(t.type)), "no RandomPassword: every appPassword is given").toBe(false);

    // Ledgers, read directly in the stores: every shipped script, applied, with its checksum.
    const ledgers = await readLedgers(conns);
    for (const k of E2E_STORES) {
      const shipped = shippedScripts(k);
      expect(shipped.length, `init-scripts/${k} ships scripts`).toBeGreaterThan(0);
      expect(
        ledgers[k].map((e) => [e.version, e.checksum, e.success]),
        `${k} ledger`,
      ).toEqual(shipped.map((s) => [s.version, s.checksum, true]));
      console.log(`[e2e] ${k} ledger: ${ledgers[k].length} scripts applied (${shipped.map((s) => s.fileName).join(", ")})`);
    }
    ledgersAfterUp = ledgers;
    const objects = await schemaObjects(conns);
    expect(objects.pgTables).toEqual(expect.arrayContaining(["organizations", "users", "projects", "archived_sessions", "articles"]));
    expect(objects.redisContract).toBe("1");
    expect(objects.mongoCollections).toEqual(expect.arrayContaining(["content_drafts", "user_preferences", "logs"]));
    expect(objects.esAlias).toBe(200);
    expect(objects.neo4jConstraints.length).toBeGreaterThan(0);

    // .env.e2e: 0600, every store's variables, application (never admin) credentials.
    const envPath = join(project.dir, ENV_FILE);
    expect(statSync(envPath).mode & 0o777).toBe(0o600);
    const text = readFileSync(envPath, "utf8");
    envFileHash = sha256(text);
    const env = parseDotEnv(text);
    for (const k of E2E_STORES) expect(env[URL_VARS[k]], `${URL_VARS[k]} in ${ENV_FILE}`).toBeTruthy();
    expect(env.CLICKHOUSE_URL).toBeUndefined();
    for (const k of E2E_STORES) {
      expect(text.includes(appPasswords[k]), `${k} app password in ${ENV_FILE}`).toBe(true);
      expect(text.includes(conns[k].admin.password), `${k} ADMIN password must not be in ${ENV_FILE}`).toBe(false);
    }
    expect(existsSync(join(REPO_ROOT, ENV_FILE)), "nothing written into the repository").toBe(false);

    // PostgreSQL through DATABASE_URL: the app role, RLS in force.
    const pgApp = await postgresAsApp(env.DATABASE_URL, conns.postgres);
    expect(pgApp.who).toEqual({ u: E2E_NAMES.postgres.appRole, su: false, bypass: false });
    expect(pgApp.rls).toEqual(
      ["archived_sessions", "articles", "organizations", "projects", "users"].map((relname) => ({ relname, relrowsecurity: true, relforcerowsecurity: true })),
    );
    expect(pgApp.visibleWithoutTenant, "no rows without app.current_org").toBe(0);
    expect(pgApp.visibleAsA).toBe(1);
    expect(pgApp.visibleAsB).toBe(0);
    expect(pgApp.adminSees).toBe(1);
    expect(pgApp.insertWithoutTenant).toMatch(/row-level security/);
    expect(pgApp.readLedger).toMatch(/permission denied/);
    expect(pgApp.createTable).toMatch(/permission denied/);

    // Redis through REDIS_URL: the app user may use session:*, not FLUSHALL/CONFIG or other keys.
    expect(new URL(env.REDIS_URL).username).toBe(E2E_NAMES.redis.appUser);
    const redisApp = await redisAsApp(env.REDIS_URL);
    expect(redisApp.set).toBe("OK");
    expect(redisApp.get).toBe("1");
    expect(redisApp.flushall).toMatch(/NOPERM/);
    expect(redisApp.config).toMatch(/NOPERM/);
    expect(redisApp.otherKey).toMatch(/NOPERM/);
    expect(await redisAclOf(conns.redis, E2E_NAMES.redis.appUser), "the externally managed ACL user is left as it was").toBe(redisAclBefore);

    // MongoDB, Elasticsearch and Neo4j: the application users polystore created answer.
    const others = await othersAsApp(env, conns);
    expect(others.mongoCollections).toEqual(expect.arrayContaining(["content_drafts", "user_preferences", "logs"]));
    expect(others.esArticles, "ELASTICSEARCH_USERNAME may search the articles alias").toBe(200);
    expect(others.esLedger, "but not polystore's ledger index").toBe(403);
    expect(others.neo4jUser).toBe(E2E_NAMES.neo4j.appUser);
  });

  it("2. a second pulumi up reports no changes and applies no script", async () => {
    expect(ledgersAfterUp, "step 1 must have passed").toBeDefined();
    const up = await pulumiStep("pulumi up (second, --expect-no-changes)", ["up", "--yes", "--skip-preview", "--expect-no-changes", "--stack", STACK]);
    expect(up.code, digest(up)).toBe(0);
    const summary = resourceSummary(up);
    console.log(`[e2e] second up: ${JSON.stringify(summary)}`);
    expect(Object.keys(summary)).toEqual(["unchanged"]);
    expect(summary.unchanged).toBeGreaterThan(2 * E2E_STORES.length);
    expect(await readLedgers(conns), "same ledger rows, same applied_at").toEqual(ledgersAfterUp);
    expect(sha256(readFileSync(join(project.dir, ENV_FILE), "utf8"))).toBe(envFileHash);
  });

  it("3. pulumi preview --policy-pack policies runs the real pack with no mandatory violation", async () => {
    const perStack = join(project.dir, "policies", `policy-config.${STACK}.json`);
    const config = existsSync(perStack) ? perStack : join(project.dir, "policies", "policy-config.json");
    const r = await pulumiStep("pulumi preview --policy-pack", [
      "preview", "--stack", STACK, "--policy-pack", "policies", "--policy-pack-config", config,
    ]);
    const text = output(r);
    const mandatory = text.split("\n").filter((l) => /\[mandatory\]/.test(l));
    const advisory = text.split("\n").filter((l) => /\[advisory\]/.test(l));
    console.log(`[e2e] policy preview: ${mandatory.length} mandatory, ${advisory.length} advisory violation(s)`);
    expect(text, "the pack was loaded by the engine").toMatch(/Loading policy packs\.\.\.: done|Policies:/);
    expect(text).toContain("polystore@v");
    expect(mandatory, digest(r, 80)).toEqual([]);
    expect(r.code, digest(r, 80)).toBe(0);
  });

  it("4. the state holds no plain-text password (stack export without --show-secrets, and every state file)", async () => {
    const r = await pulumiStep("pulumi stack export", ["stack", "export", "--stack", STACK]);
    expect(r.code, digest(r)).toBe(0);
    expect(leaked(r.stdout), "plain-text secrets in `pulumi stack export`").toEqual([]);
    expect(r.stdout).toContain('"ciphertext"');
    const files = filesUnder(project.stateDir);
    expect(files.length).toBeGreaterThan(0);
    const found = files.flatMap((f) => leaked(readFileSync(f, "latin1")).map((w) => `${f}: ${w}`));
    expect(found, "plain-text secrets in the state folder").toEqual([]);
    console.log(`[e2e] export ${r.stdout.length} bytes and ${files.length} state files: none of ${secrets.length} secrets in plain text`);
  });

  it("5. npm run review -- up/list/gc/down work against the same backend, beside the e2e stack", async () => {
    const template = join(project.tmp, "review-template.yaml");
    writeFileSync(
      template,
      yaml.dump({
        config: {
          "polystore:target": "external",
          "polystore:owner": "e2e-review",
          "polystore:tags": { "pull-request": "{{pr}}" },
          "polystore:stores": {
            redis: {
              appUser: "app_pr_{{pr}}",
              external: {
                host: conns.redis.host,
                port: conns.redis.port,
                tls: false,
                adminUser: conns.redis.admin.user,
                adminPassword: "{{env:E2E_REVIEW_REDIS_ADMIN_PASSWORD}}",
                appPassword: "{{env:E2E_REVIEW_APP_PASSWORD}}",
              },
            },
          },
        },
      }),
    );
    const stackOf = (pr: number) => `review-pr-${pr}`;
    const listed = async () => {
      const r = await review(["list", "--json"]);
      expect(r.code, digest(r)).toBe(0);
      return (JSON.parse(r.stdout) as Array<{ stack: string; state: string }>).map((x) => [x.stack, x.state]);
    };
    const backendStacks = async () => {
      const r = await pulumiStep("pulumi stack ls", ["stack", "ls", "--json"]);
      return (JSON.parse(r.stdout) as Array<{ name: string; resourceCount?: number }>).map((s) => [s.name, s.resourceCount]);
    };
    const e2eBefore = (await backendStacks()).find(([n]) => n === STACK);

    const up = await review(["up", "--pr", String(PR.kept), "--ttl", "1h", "--base", template]);
    expect(up.code, digest(up)).toBe(0);
    expect(resourceSummary(up).created).toBeGreaterThan(0);
    expect(up.stdout).toContain(`| redis | external | \`${conns.redis.host}:${conns.redis.port}\` |`);
    expect(existsSync(join(project.dir, `Pulumi.${stackOf(PR.kept)}.yaml`))).toBe(true);
    expect(existsSync(join(REPO_ROOT, `Pulumi.${stackOf(PR.kept)}.yaml`)), "nothing written into the repository").toBe(false);
    expect(await listed()).toEqual([[stackOf(PR.kept), "active"]]);

    // gc: a second review stack whose expiry has passed is destroyed; the other one and e2e stay.
    const upExpired = await review(["up", "--pr", String(PR.expired), "--ttl", "5m", "--base", template]);
    expect(upExpired.code, digest(upExpired)).toBe(0);
    const past = new Date(Date.now() - 60_000).toISOString();
    const set = await pulumiStep("pulumi config set expiresAt", ["config", "set", "--plaintext", "polystore-review:expiresAt", past, "--stack", stackOf(PR.expired)]);
    expect(set.code, digest(set)).toBe(0);
    expect(await listed()).toEqual([[stackOf(PR.kept), "active"], [stackOf(PR.expired), "expired"]]);
    const gc = await review(["gc"]);
    expect(gc.code, digest(gc)).toBe(0);
    expect(gc.stdout).toContain(`gc: ${stackOf(PR.expired)}: destroyed and removed`);
    expect(gc.stdout).toContain("gc: 1 removed, 0 failed");
    expect(await listed()).toEqual([[stackOf(PR.kept), "active"]]);

    const down = await review(["down", "--pr", String(PR.kept)]);
    expect(down.code, digest(down)).toBe(0);
    expect(down.stdout).toContain(`${stackOf(PR.kept)} destroyed`);
    const empty = await review(["list"]);
    expect(empty.stdout.trim()).toBe("No review stacks.");
    expect(await backendStacks(), "the e2e stack is untouched by review gc/down").toEqual([e2eBefore]);
    for (const r of runs.filter((x) => x.what.startsWith("review"))) expect(leaked(output(r.r)), r.what).toEqual([]);
  });

  it("6. pulumi destroy removes the stack's resources and .env.e2e, and keeps the stores' data and ledgers (and says so)", async () => {
    expect(ledgersAfterUp, "step 1 must have passed").toBeDefined();
    const r = await pulumiStep("pulumi destroy", ["destroy", "--yes", "--skip-preview", "--stack", STACK]);
    expect(r.code, digest(r)).toBe(0);
    const summary = resourceSummary(r);
    console.log(`[e2e] destroy: ${JSON.stringify(summary)}`);
    expect(summary.deleted).toBeGreaterThan(2 * E2E_STORES.length);
    // The InitScripts delete does nothing to the store and prints why (components/init/resource.ts).
    for (const k of E2E_STORES) {
      expect(r.stdout, `destroy output says what ${k} keeps`).toContain(`${k}: kept on purpose: the store's schema objects, data and init-script ledger`);
    }
    expect(existsSync(join(project.dir, ENV_FILE)), `${ENV_FILE} removed`).toBe(false);
    expect(await stateResources(), "no resource left in the stack's state").toEqual([]);

    expect(await readLedgers(conns), "ledgers untouched by destroy").toEqual(ledgersAfterUp);
    const objects = await schemaObjects(conns);
    expect(objects.pgTables).toEqual(expect.arrayContaining(["organizations", "users", "projects", "archived_sessions", "articles"]));
    expect(objects.redisContract).toBe("1");
    expect(objects.mongoCollections).toEqual(expect.arrayContaining(["content_drafts", "user_preferences", "logs"]));
    expect(objects.esAlias).toBe(200);
    expect(objects.neo4jConstraints.length).toBeGreaterThan(0);

    // Nothing any Pulumi or review command printed, in the whole run, held a password.
    const printed = runs.flatMap(({ what, r: x }) => leaked(output(x)).map((w) => `${what}: ${w}`));
    expect(printed).toEqual([]);
  });
});
