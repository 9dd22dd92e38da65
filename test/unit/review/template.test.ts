import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig, rawNamespace } from "../../../stacks/config";
import { EXIT, UsageError } from "../../../stacks/review/errors";
import { META_KEYS } from "../../../stacks/review/expiry";
import { formatPath, secretValues, substitute, validateEntries } from "../../../stacks/review/fill";
import { jsonPayload, secretLeafConfig } from "../../../stacks/review/stack-config";
import { entriesFromDecrypted, entriesFromYaml, readTemplate, securePaths } from "../../../stacks/review/template";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "review-template-test-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(EXIT.usage);
    return err as UsageError;
  }
  throw new Error("expected a UsageError");
}

const EXTERNAL = `config:
  polystore:target: external
  polystore:initScripts:
    enabled: false
  polystore:stores:
    redis:
      appUser: app_pr_{{pr}}
      external:
        host: "{{env:T_HOST}}"
        port: 6379
        tls: false
        adminUser: polystore_admin
        adminPassword: "{{env:T_ADMIN_PW}}"
  polystore:tags:
    stack: "{{stack}}"
`;

describe("review template stack file", () => {
  it("is read with fully qualified keys", () => {
    const tpl = readTemplate(write("ok.yaml", EXTERNAL.replace("polystore:target", "target")), "polystore");
    expect(Object.keys(tpl.config).sort()).toEqual(["polystore:initScripts", "polystore:stores", "polystore:tags", "polystore:target"]);
    expect(tpl.hasSecure).toBe(false);
  });

  it("a missing file is a usage error naming --base", () => {
    const err = usageError(() => readTemplate(path.join(dir, "nope.yaml"), "polystore"));
    expect(err.message).toContain("nope.yaml not found");
    expect(err.problems[0]).toMatch(/^--base:/);
  });

  it("reports bad YAML, unsupported sections, reserved keys and empty values at once", () => {
    usageError(() => readTemplate(write("bad.yaml", "config: [unclosed"), "polystore"));
    const err = usageError(() =>
      readTemplate(write("many.yaml", `environment: [esc/env]\nconfig:\n  polystore-review:expiresAt: "2030-01-01"\n  polystore:owner:\n`), "polystore"),
    );
    expect(err.problems).toEqual([
      expect.stringMatching(/^environment: not supported/),
      expect.stringMatching(/^config\.polystore-review:expiresAt: the polystore-review namespace is written by the review CLI/),
      "config.polystore:owner: expected a value, got nothing",
    ]);
  });

  it("fills in {{pr}}, {{stack}} and {{env:NAME}}; values from the environment become secret leaves", () => {
    const tpl = readTemplate(write("fill.yaml", EXTERNAL), "polystore");
    const { entries, sensitive } = substitute(entriesFromYaml(tpl.config), { pr: 12, stack: "review-pr-12", env: { T_HOST: "10.1.2.3", T_ADMIN_PW: "S3cret-admin" } }, "fill.yaml");
    const stores = entries["polystore:stores"].objectValue as { redis: { appUser: string; external: { host: string; adminPassword: string; port: number } } };
    expect(stores.redis.appUser).toBe("app_pr_12");
    expect(stores.redis.external).toMatchObject({ host: "10.1.2.3", adminPassword: "S3cret-admin", port: 6379 });
    expect(entries["polystore:tags"].objectValue).toEqual({ stack: "review-pr-12" });
    expect(entries["polystore:stores"].secretPaths).toEqual([
      ["redis", "external", "host"],
      ["redis", "external", "adminPassword"],
    ]);
    expect(sensitive).toEqual(["10.1.2.3", "S3cret-admin"]);
    expect(entries["polystore:target"]).toEqual({ value: "external", secret: false });
    validateEntries(entries, "fill.yaml");
  });

  it("lists every unset variable and unknown placeholder at once", () => {
    const tpl = readTemplate(write("unset.yaml", EXTERNAL.replace("app_pr_{{pr}}", "app_{{branch}}")), "polystore");
    const err = usageError(() => substitute(entriesFromYaml(tpl.config), { pr: 1, stack: "review-pr-1", env: { T_HOST: "" } }, "unset.yaml"));
    expect(err.problems).toEqual([
      "polystore:stores.redis.appUser: unknown placeholder {{branch}} (expected {{pr}}, {{stack}} or {{env:NAME}})",
      "environment variable T_HOST is not set (used by {{env:T_HOST}} at polystore:stores.redis.external.host)",
      "environment variable T_ADMIN_PW is not set (used by {{env:T_ADMIN_PW}} at polystore:stores.redis.external.adminPassword)",
    ]);
  });

  it("validates the filled values with the program's schema, naming the key and never printing a secret", () => {
    // A secret pasted into a numeric field would be echoed by the schema's "got ..." unless scrubbed.
    const bad = EXTERNAL.replace("port: 6379", 'port: "{{env:T_ADMIN_PW}}"').replace("adminUser: polystore_admin", "adminUser: polystore_admin\n        colour: blue");
    const tpl = readTemplate(write("invalid.yaml", bad), "polystore");
    const { entries } = substitute(entriesFromYaml(tpl.config), { pr: 3, stack: "review-pr-3", env: { T_HOST: "h", T_ADMIN_PW: "S3cret-admin" } }, "invalid.yaml");
    const err = usageError(() => validateEntries(entries, "invalid.yaml"));
    expect(err.message).toContain('polystore:stores.redis.external.port: expected number, got "[secret]"');
    expect(err.message).toContain("polystore:stores.redis.external.colour: unknown key");
    expect(err.message).not.toContain("S3cret-admin");
  });

  it("keeps secure: leaves secret after decryption, and only those", () => {
    const yamlConfig = {
      "polystore:target": "external",
      "polystore:token": { secure: "v1:abc" },
      "polystore:stores": { redis: { external: { host: "h", adminPassword: { secure: "v1:xyz" }, port: 1 } } },
    };
    expect(securePaths(yamlConfig["polystore:stores"])).toEqual([["redis", "external", "adminPassword"]]);
    const decrypted = {
      "polystore:target": { value: "external", secret: false },
      "polystore:token": { value: "tok-123", secret: true },
      "polystore:stores": { value: "{}", objectValue: { redis: { external: { host: "h", adminPassword: "pw-456", port: 1 } } }, secret: true },
    };
    const entries = entriesFromDecrypted(yamlConfig, decrypted);
    expect(entries["polystore:token"]).toEqual({ value: "tok-123", secret: true });
    expect(entries["polystore:stores"]).toMatchObject({ secret: false, secretPaths: [["redis", "external", "adminPassword"]] });
    expect(secretValues(entries).sort()).toEqual(["pw-456", "tok-123"]);
  });

  it("writes clear values with secret leaves blanked, then each secret leaf encrypted by path", () => {
    const entries = {
      "polystore:target": { value: "external", secret: false },
      "polystore:token": { value: "tok-123", secret: true },
      "polystore:stores": { value: "", objectValue: { redis: { external: { host: "h", adminPassword: "pw-456", port: 1 } } }, secret: false, secretPaths: [["redis", "external", "adminPassword"]] },
    };
    const json = jsonPayload(entries);
    expect(JSON.stringify(json)).not.toContain("pw-456");
    expect(json["polystore:stores"].objectValue).toEqual({ redis: { external: { host: "h", adminPassword: "", port: 1 } } });
    expect(json["polystore:token"]).toEqual({ value: "tok-123", secret: true });
    expect(secretLeafConfig(entries)).toEqual({ "polystore:stores.redis.external.adminPassword": { value: "pw-456", secret: true } });
    expect(formatPath("polystore:x", ["a.b", 2, "c"])).toBe('polystore:x["a.b"][2].c');
  });

  it("the committed Pulumi.review.yaml is a valid external configuration once its variables are set", () => {
    const tpl = readTemplate(path.resolve(__dirname, "../../../Pulumi.review.yaml"), "polystore");
    const env: Record<string, string> = { REVIEW_DB_HOST: "db.review.internal" };
    for (const s of ["POSTGRES", "REDIS", "MONGODB", "ELASTICSEARCH", "CLICKHOUSE", "NEO4J"]) env[`REVIEW_${s}_ADMIN_PASSWORD`] = `pw-${s}-x`;
    const { entries } = substitute(entriesFromYaml(tpl.config), { pr: 12, stack: "review-pr-12", env }, "Pulumi.review.yaml");
    validateEntries(entries, "Pulumi.review.yaml");
    const cfg = parseConfig(rawNamespace(Object.fromEntries(Object.entries(entries).map(([k, e]) => [k, e.objectValue ?? e.value]))));
    expect(cfg.target).toBe("external");
    expect(cfg.stores.postgres?.database).toBe("review_pr_12");
    expect(cfg.tags["pull-request"]).toBe("12");
  });

  it("the program ignores the polystore-review metadata namespace", () => {
    const raw = { "polystore:stores": { redis: {} }, [META_KEYS.expiresAt]: "2030-01-01T00:00:00Z", [META_KEYS.pr]: "12" };
    expect(() => parseConfig(rawNamespace(raw))).not.toThrow();
  });
});
