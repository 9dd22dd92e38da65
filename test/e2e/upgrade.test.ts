/**
 * Issue 12 with the REAL Pulumi engine: a stack made by the code before the one-home-per-store
 * redesign (commit BEFORE, taken from this repository's history) updates in place under today's
 * code. The program of BEFORE runs `pulumi up` on a stack of PostgreSQL and Redis on the
 * `external` target (the harness engines) with the env file; then today's code previews and
 * updates the same state. Resources whose parent changed (the env file now under
 * `polystore:secrets:ConnectionSecrets`) must be matched through their aliases: no resource is
 * deleted, replaced or created again, and the env file is never removed.
 *
 * The Docker and Kubernetes resources (network, namespace, data volumes) cannot be deployed here
 * (no Docker provider plugin, see test/e2e/PULUMI_CLI.md); their URNs and aliases are compared
 * under mocks for every stack in test/unit/program/urns.test.ts.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { StoreConnection } from "../../components/core/types";
import type { E2eStore } from "./global-setup";
import { createProject, digest, pulumi, REPO_ROOT, type E2eProject } from "./support/project";
import { E2E_NAMES } from "./support/stores";

/** The last commit before the redesign (its URNs are in test/unit/program/urns-before-issue-12.json). */
const BEFORE = "9588e5f";
const CODE = ["Pulumi.yaml", "package.json", "tsconfig.json", "stacks", "components", "init-scripts", "policies"];
const STACK = "upgrade";
const STORES = ["postgres", "redis"] as const;

let project: E2eProject;
let conns: Record<E2eStore, StoreConnection>;
const passphrase = randomBytes(18).toString("base64url");

/** Replaces the project copy's code with `BEFORE`'s, from git (a full clone is needed: CI clones the repository whole). */
function checkoutBefore(dir: string): void {
  try {
    execFileSync("git", ["-C", REPO_ROOT, "cat-file", "-e", `${BEFORE}^{commit}`], { stdio: "pipe" });
  } catch {
    throw new Error(`commit ${BEFORE} is not in this clone's history (a shallow clone?); the upgrade test needs it: git fetch --unshallow`);
  }
  for (const f of CODE) rmSync(join(dir, f), { recursive: true, force: true });
  const tar = execFileSync("git", ["-C", REPO_ROOT, "archive", "--format=tar", BEFORE, ...CODE], { maxBuffer: 256 * 1024 * 1024 });
  execFileSync("tar", ["-x", "-C", dir], { input: tar });
}

/** Puts today's code back into the project copy. */
function checkoutNow(dir: string): void {
  for (const f of CODE) {
    rmSync(join(dir, f), { recursive: true, force: true });
    cpSync(join(REPO_ROOT, f), join(dir, f), { recursive: true });
  }
}

/** The steps of `pulumi preview --json`, as op and URN. */
function steps(stdout: string): Array<{ op: string; urn: string }> {
  const doc = JSON.parse(stdout) as { steps?: Array<{ op: string; urn: string }> };
  return (doc.steps ?? []).map(({ op, urn }) => ({ op, urn }));
}

beforeAll(async () => {
  conns = inject("e2eConnections") as Record<E2eStore, StoreConnection>;
  project = createProject(passphrase);
  checkoutBefore(project.dir);
  const init = await pulumi(project, ["stack", "init", STACK, "--secrets-provider", "passphrase"]);
  expect(init.code, digest(init)).toBe(0);
  const file = join(project.dir, `Pulumi.${STACK}.yaml`);
  const doc = (yaml.load(readFileSync(file, "utf8")) ?? {}) as Record<string, unknown>;
  const external = (k: E2eStore) => ({ host: conns[k].host, port: conns[k].port, tls: false, adminUser: conns[k].admin.user });
  writeFileSync(
    file,
    yaml.dump({
      ...doc,
      config: {
        "polystore:target": "external",
        // The application users are managed by the init runner here: no generated password (no random plugin), given ones.
        "polystore:initScripts": { enabled: false },
        "polystore:stores": {
          postgres: { database: E2E_NAMES.postgres.database, appRole: "upgrade_app", external: external("postgres") },
          redis: { appUser: "upgrade_app", external: external("redis") },
        },
      },
    }),
  );
  for (const k of STORES) {
    for (const [key, value] of [["adminPassword", conns[k].admin.password], ["appPassword", randomBytes(12).toString("hex")]] as const) {
      const r = await pulumi(project, ["config", "set", "--secret", "--path", `polystore:stores.${k}.external.${key}`, "--stack", STACK], { input: value });
      expect(r.code, digest(r)).toBe(0);
    }
  }
}, 15 * 60_000);

afterAll(async () => {
  if (!project) return;
  await pulumi(project, ["destroy", "--yes", "--skip-preview", "--stack", STACK]);
  await pulumi(project, ["stack", "rm", "--yes", "--force", STACK]);
  rmSync(project.tmp, { recursive: true, force: true });
});

describe(`a stack made by ${BEFORE} updates in place under today's code`, () => {
  let envBefore = { mtimeMs: 0, ino: 0, text: "" };

  it(`${BEFORE}: pulumi up writes the env file at the stack's root`, async () => {
    const up = await pulumi(project, ["up", "--yes", "--skip-preview", "--stack", STACK]);
    expect(up.code, digest(up)).toBe(0);
    const env = join(project.dir, `.env.${STACK}`);
    const st = statSync(env);
    envBefore = { mtimeMs: st.mtimeMs, ino: st.ino, text: readFileSync(env, "utf8") };
    expect(envBefore.text).toContain("DATABASE_URL=");
  });

  it("today's code: the preview deletes, replaces and re-creates nothing; the env file is matched through its alias", async () => {
    checkoutNow(project.dir);
    mkdirSync(join(project.dir, "init-scripts"), { recursive: true });
    const preview = await pulumi(project, ["preview", "--json", "--stack", STACK]);
    expect(preview.code, digest(preview)).toBe(0);
    // `--json` lists the steps that do something (unchanged resources are left out).
    const all = steps(preview.stdout);
    const destructive = all.filter((s) => ["delete", "replace", "create-replacement", "delete-replaced", "discard", "remove-pending-replace"].includes(s.op));
    expect(destructive).toEqual([]);
    const created = all.filter((s) => s.op === "create").map((s) => s.urn.split("::").slice(2).join("::"));
    expect(created).toEqual(["polystore:secrets:ConnectionSecrets::connection-secrets"]);
    // The env file under its new parent is the old one (an alias match), not a new file beside a deleted one.
    expect(all.filter((s) => s.urn.endsWith("::env-file"))).toEqual([]);
    expect(all.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn.split("::").slice(2).join("::")}`)).toEqual([
      "create polystore:secrets:ConnectionSecrets::connection-secrets",
    ]);
  });

  it("today's code: pulumi up keeps the env file (never deleted and written anew) and records its new parent", async () => {
    const up = await pulumi(project, ["up", "--yes", "--skip-preview", "--stack", STACK]);
    expect(up.code, digest(up)).toBe(0);
    const env = join(project.dir, `.env.${STACK}`);
    expect(readFileSync(env, "utf8")).toBe(envBefore.text);
    expect(statSync(env).ino).toBe(envBefore.ino);
    const exported = await pulumi(project, ["stack", "export", "--stack", STACK]);
    const urns = (JSON.parse(exported.stdout) as { deployment: { resources: Array<{ urn: string }> } }).deployment.resources.map((r) => r.urn);
    expect(urns).toContain(`urn:pulumi:${STACK}::polystore::polystore:secrets:ConnectionSecrets$pulumi-nodejs:dynamic/polystore:DotEnvFile::env-file`);
    expect(urns.filter((u) => u.endsWith("::env-file"))).toHaveLength(1);
  });
});
