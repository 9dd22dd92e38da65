/**
 * The pack as the Pulumi CLI runs it: policies/ is started with
 * @pulumi/pulumi's run-policy-pack (ts-node, resolving every module from the
 * project's node_modules, as `pulumi preview --policy-pack policies` does) and
 * driven over the analyzer gRPC protocol the engine speaks: GetAnalyzerInfo,
 * Configure (the reconciled policy-config.json), Analyze, AnalyzeStack.
 */
import { spawn, type ChildProcess } from "child_process";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POLICIES } from "../../../policies/pack";
import { loadPolicyConfig, reconcile, type EffectiveConfig } from "../../../policies/offline/config";

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
const grpc = require("@grpc/grpc-js");
const rpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const pb = require("@pulumi/pulumi/proto/analyzer_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");

const ROOT = path.resolve(__dirname, "../../..");
const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const LEVEL: Record<string, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };

let pack: ChildProcess;
let client: any;
let stderr = "";

function call<T>(method: string, req: unknown): Promise<T> {
  return new Promise((resolve, reject) => client[method](req, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
}

function configure(config: Map<string, EffectiveConfig>): Promise<unknown> {
  const req = new pb.ConfigureAnalyzerRequest();
  for (const [name, c] of config) {
    const pc = new pb.PolicyConfig();
    pc.setEnforcementlevel(LEVEL[c.enforcementLevel]);
    pc.setProperties(Struct.fromJavaScript(c.properties));
    req.getPolicyconfigMap().set(name, pc);
  }
  return call("configure", req);
}

function options(o: { additionalSecretOutputs?: string[]; parent?: string } = {}): any {
  const opts = new pb.AnalyzerResourceOptions();
  opts.setAdditionalsecretoutputsList(o.additionalSecretOutputs ?? []);
  if (o.parent) opts.setParent(o.parent);
  return opts;
}

interface Diag {
  policy: string;
  level: number;
  message: string;
  urn: string;
}
const diags = (res: any): Diag[] =>
  res.getDiagnosticsList().map((d: any) => ({ policy: d.getPolicyname(), level: d.getEnforcementlevel(), message: d.getMessage(), urn: d.getUrn() }));

function analyze(type: string, name: string, props: Record<string, unknown>, opts?: Parameters<typeof options>[0]): Promise<Diag[]> {
  const req = new pb.AnalyzeRequest();
  req.setType(type);
  req.setName(name);
  req.setUrn(`urn:pulumi:prod::polystore::${type}::${name}`);
  req.setProperties(Struct.fromJavaScript(props));
  req.setOptions(options(opts));
  return call("analyze", req).then(diags);
}

interface StackRes {
  type: string;
  name: string;
  props: Record<string, unknown>;
  parent?: string;
  deps?: Record<string, string[]>;
  additionalSecretOutputs?: string[];
}
const urnOf = (r: { type: string; name: string }) => `urn:pulumi:prod::polystore::${r.type}::${r.name}`;

function analyzeStack(resources: StackRes[]): Promise<Diag[]> {
  const req = new pb.AnalyzeStackRequest();
  req.setResourcesList(
    resources.map((r) => {
      const res = new pb.AnalyzerResource();
      res.setType(r.type);
      res.setName(r.name);
      res.setUrn(urnOf(r));
      res.setProperties(Struct.fromJavaScript(r.props));
      res.setOptions(options({ additionalSecretOutputs: r.additionalSecretOutputs, parent: r.parent }));
      if (r.parent) res.setParent(r.parent);
      const deps = Object.values(r.deps ?? {}).flat();
      res.setDependenciesList(deps);
      for (const [k, urns] of Object.entries(r.deps ?? {})) {
        const pd = new pb.AnalyzerPropertyDependencies();
        pd.setUrnsList(urns);
        res.getPropertydependenciesMap().set(k, pd);
      }
      return res;
    }),
  );
  return call("analyzeStack", req).then(diags);
}

beforeAll(async () => {
  pack = spawn(process.execPath, [path.join(ROOT, "node_modules/@pulumi/pulumi/cmd/run-policy-pack/index.js"), "127.0.0.1:0", "."], {
    cwd: path.join(ROOT, "policies"),
    stdio: ["ignore", "pipe", "pipe"],
  });
  pack.stderr!.on("data", (d) => (stderr += d));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    pack.stdout!.on("data", (d) => {
      out += d;
      const m = /^(\d+)\s*$/m.exec(out);
      if (m) resolve(Number(m[1]));
    });
    pack.on("exit", (code) => reject(new Error(`policy pack exited with ${code}:\n${stderr}`)));
  });
  client = new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 180_000);

afterAll(() => {
  client?.close();
  pack?.kill();
});

describe("the policy pack under the real analyzer server", () => {
  it("serves every policy of the pack with its default level", async () => {
    const info: any = await call("getAnalyzerInfo", new Empty());
    expect(info.getName()).toBe("polystore");
    const served = info.getPoliciesList().map((p: any) => [p.getName(), p.getEnforcementlevel()]);
    expect(served).toEqual(POLICIES.map((p) => [p.name, LEVEL[p.enforcementLevel ?? "advisory"]]));
  });

  it("accepts policies/policy-config.json and reports violations at its levels", async () => {
    await configure(loadPolicyConfig(POLICIES, path.join(ROOT, "policies/policy-config.json")));
    const found = await analyze("aws:rds/instance:Instance", "postgres-db", {
      engine: "postgres",
      storageEncrypted: false,
      publiclyAccessible: true,
      backupRetentionPeriod: 7,
      deletionProtection: true,
      multiAz: true,
      performanceInsightsEnabled: false,
    });
    const byPolicy = Object.fromEntries(found.map((d) => [d.policy, d]));
    expect(Object.keys(byPolicy).sort()).toEqual([
      "aws-cost-tags", "aws-customer-managed-keys", "aws-log-exports", "aws-no-default-security-group", "aws-no-default-subnet-group",
      "aws-not-publicly-accessible", "aws-performance-insights", "aws-rds-copy-tags-to-snapshot", "aws-rds-enhanced-monitoring",
      "aws-rds-iam-auth", "aws-storage-encrypted",
    ]);
    expect(byPolicy["aws-customer-managed-keys"].level).toBe(LEVEL.advisory);
    expect(byPolicy["aws-rds-iam-auth"].level).toBe(LEVEL.mandatory);
    expect(byPolicy["aws-storage-encrypted"].level).toBe(LEVEL.mandatory);
    expect(byPolicy["aws-performance-insights"].level).toBe(LEVEL.advisory);
    // The engine shows the policy's description, then our one-line message.
    expect(byPolicy["aws-not-publicly-accessible"].message).toMatch(/^Managed databases must not be publicly accessible.*\nInstance postgres-db: publiclyAccessible is true.*; fix: /s);
  });

  it("honours enforcement levels from the config: disabled and advisory", async () => {
    await configure(reconcile(POLICIES, { "aws-storage-encrypted": "disabled", "aws-not-publicly-accessible": { enforcementLevel: "advisory" } }));
    const found = await analyze("aws:rds/instance:Instance", "postgres-db", { storageEncrypted: false, publiclyAccessible: true });
    expect(found.map((d) => d.policy)).not.toContain("aws-storage-encrypted");
    expect(found.find((d) => d.policy === "aws-not-publicly-accessible")?.level).toBe(LEVEL.advisory);
    await configure(loadPolicyConfig(POLICIES, path.join(ROOT, "policies/policy-config.json")));
  });

  it("does not fail a preview on values that are still unknown", async () => {
    const found = await analyze("docker:index/container:Container", "redis-container", {
      image: UNKNOWN,
      envs: UNKNOWN,
      memory: 576,
      healthcheck: { tests: ["CMD-SHELL", "redis-cli ping"] },
      ports: [{ internal: 6379, external: 6379, ip: "127.0.0.1" }],
    });
    expect(found).toEqual([]);
  });

  it("sees Pulumi secrets as plain values: secretness shows only through additionalSecretOutputs or a generated source", async () => {
    const password = { type: "random:index/randomPassword:RandomPassword", name: "redis-admin-password", props: { result: "generated" }, additionalSecretOutputs: ["result"] };
    const container = (extra: Partial<StackRes>): StackRes => ({
      type: "docker:index/container:Container",
      name: "redis-container",
      props: { envs: { ...SECRET, value: ["REDIS_PASSWORD=Gx8kq2mZ7vNf0aPq3LwT5rYs1cHd9uJe"] } },
      ...extra,
    });
    // A Pulumi secret with no engine-visible evidence: flagged.
    const hidden = await analyzeStack([password, container({})]);
    expect(hidden.filter((d) => d.policy === "no-plaintext-credentials").map((d) => d.message).join("\n")).toContain('credential in envs (REDIS_PASSWORD) not declared secret (no additionalSecretOutputs "envs"');
    // Derived from a generated password, or declared: accepted.
    for (const extra of [{ deps: { envs: [urnOf(password)] } }, { additionalSecretOutputs: ["envs"] }]) {
      const found = await analyzeStack([password, container(extra)]);
      expect(found.filter((d) => d.policy === "no-plaintext-credentials")).toEqual([]);
    }
  });

  it("runs stack policies over the whole stack, naming the offending resource", async () => {
    const store = { type: "polystore:redis:RedisStore", name: "redis", props: {} };
    const pw = { type: "random:index/randomPassword:RandomPassword", name: "redis-app-password", props: {}, parent: urnOf(store), additionalSecretOutputs: ["result"] };
    const missing = await analyzeStack([store, pw]);
    const d = missing.find((x) => x.policy === "connection-secrets-written");
    expect(d?.urn).toBe(urnOf(store));
    expect(d?.level).toBe(LEVEL.mandatory);
    const file = { type: "pulumi-nodejs:dynamic/polystore:DotEnvFile", name: "env-file", props: { path: ".env.prod", sha256: "x" }, deps: { content: [urnOf(pw)] } };
    expect((await analyzeStack([store, pw, file])).filter((x) => x.policy === "connection-secrets-written")).toEqual([]);
  });
});
