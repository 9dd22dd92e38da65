/**
 * Every stack file in the repository root (Pulumi.*.yaml) passes the pack
 * with no mandatory violation — evaluated as `npm run policy:check` does, one
 * child process per stack. Then ONE property of a real resource is broken at
 * a time, to show the policies match what the targets really register.
 */
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateStack, policyConfigFor } from "../../../policies/check";
import { POLICIES } from "../../../policies/pack";
import { loadPolicyConfig, reconcile } from "../../../policies/offline/config";
import { runPolicies } from "../../../policies/offline/run";
import type { Snapshot, SnapshotResource } from "../../../policies/offline/snapshot";
import { stackFilesIn } from "../../../policies/offline/stackfile";

const ROOT = path.resolve(__dirname, "../../..");
const FILES = stackFilesIn(ROOT);
const snapshots = new Map<string, Snapshot>();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

beforeAll(async () => {
  const all = await Promise.all(FILES.map((f) => evaluateStack(f)));
  FILES.forEach((f, i) => snapshots.set(path.basename(f), all[i]));
}, 300_000);

/** A copy of a snapshot with one change made to the resources (inputs and outputs alike). */
function breakOne(snap: Snapshot, change: (find: (type: string, name?: string) => SnapshotResource, rs: SnapshotResource[]) => void): Snapshot {
  const copy = structuredClone(snap);
  const find = (type: string, name?: string) => {
    const r = copy.resources.find((x) => x.type === type && (name === undefined || x.name === name));
    if (!r) throw new Error(`${snap.file} has no ${type} ${name ?? ""}`);
    return r;
  };
  change(find, copy.resources);
  return copy;
}
/** Sets a prop on both the inputs (resource policies) and outputs (stack policies). */
function set(r: SnapshotResource, change: (props: Any) => void): void {
  change(r.inputs);
  change(r.outputs);
}

async function mandatory(snap: Snapshot): Promise<string[]> {
  const v = await runPolicies(snap, POLICIES, reconcile(POLICIES, undefined));
  return v.filter((x) => x.level === "mandatory").map((x) => `${x.policy}: ${x.message}`);
}

describe("repository stacks", () => {
  it("include dev", () => expect(FILES.map((f) => path.basename(f))).toContain("Pulumi.dev.yaml"));

  it.each(FILES.map((f) => path.basename(f)))("%s evaluates and has no mandatory violation", async (file) => {
    const snap = snapshots.get(file)!;
    expect(snap.error, snap.error?.message).toBeUndefined();
    expect(snap.resources.length).toBeGreaterThan(5);
    const violations = await runPolicies(snap, POLICIES, loadPolicyConfig(POLICIES, policyConfigFor(path.join(ROOT, file))));
    expect(violations.filter((v) => v.level === "mandatory").map((v) => `${v.policy} ${v.resource}: ${v.message}`)).toEqual([]);
  });
});

describe("the dev stack, one property broken at a time", () => {
  const dev = () => snapshots.get("Pulumi.dev.yaml")!;
  const C = "docker:index/container:Container";
  const cases: Array<[string, (find: (t: string, n?: string) => SnapshotResource, rs: SnapshotResource[]) => void, string]> = [
    ["redis published on 0.0.0.0", (f) => set(f(C, "redis-container"), (p) => (p.ports[0].ip = "0.0.0.0")), "database-ports-loopback: Container redis-container: database port 6379 is published on 0.0.0.0"],
    ["postgres image on latest", (f) => set(f("docker:index/remoteImage:RemoteImage", "postgres-image"), (p) => (p.name = "postgres:latest")), "pinned-images: RemoteImage postgres-image"],
    ["no memory limit on neo4j", (f) => set(f(C, "neo4j-container"), (p) => delete p.memory), "container-memory-limits: Container neo4j-container: no memory limit"],
    ["no healthcheck on clickhouse", (f) => set(f(C, "clickhouse-container"), (p) => delete p.healthcheck), "container-health-checks: Container clickhouse-container: no healthcheck"],
    ["redis without --requirepass", (f) => set(f(C, "redis-container"), (p) => (p.command[2] = 'exec redis-server "$@"')), "redis-requires-password: Container redis-container"],
    ["redis noeviction in polystore's typed server settings", (f) => set(f(C, "redis-container"), (p) => {
      const label = p.labels.find((l: { label: string }) => l.label === "polystore.io/server-settings");
      label.value = JSON.stringify({ ...JSON.parse(label.value), maxmemoryPolicy: "noeviction" });
    }), 'redis-eviction-policy: Container redis-container: server settings (polystore.io/server-settings) have maxmemoryPolicy "noeviction"'],
    ["redis noeviction on a container without polystore's settings (argv)", (f) => set(f(C, "redis-container"), (p) => {
      p.labels = p.labels.filter((l: { label: string }) => l.label !== "polystore.io/server-settings");
      p.command[p.command.indexOf("--maxmemory-policy") + 1] = "noeviction";
    }), "redis-eviction-policy: Container redis-container: --maxmemory-policy noeviction"],
    ["postgres password typed in (not secret, not generated)", (f) => {
      const c = f(C, "postgres-container");
      c.propertyDependencies.envs = [];
      c.inputSecrets = c.inputSecrets.filter((s) => s !== "envs");
      c.outputSecrets = c.outputSecrets.filter((s) => s !== "envs");
    }, "no-plaintext-credentials: Container postgres-container: credential in envs (POSTGRES_PASSWORD) not a Pulumi secret"],
    ["the .env file dropped", (_f, rs) => rs.splice(rs.findIndex((r) => r.type.endsWith("DotEnvFile")), 1), "connection-secrets-written: store postgres"],
  ];
  it.each(cases)("%s", async (_name, change, expected) => {
    expect(await mandatory(dev())).toEqual([]);
    const found = await mandatory(breakOne(dev(), change));
    expect(found.join("\n")).toContain(expected);
    // Only the broken policy fires.
    expect(new Set(found.map((x) => x.split(":")[0]))).toEqual(new Set([expected.split(":")[0]]));
  });
});

describe("the prod stack (aws target), one property broken at a time", () => {
  const prod = () => {
    const s = snapshots.get("Pulumi.prod.yaml");
    if (!s) throw new Error("Pulumi.prod.yaml is missing from the repository root");
    return s;
  };
  const RDS = "aws:rds/instance:Instance";
  const cases: Array<[string, (find: (t: string, n?: string) => SnapshotResource, rs: SnapshotResource[]) => void, string]> = [
    ["RDS unencrypted", (f) => set(f(RDS), (p) => (p.storageEncrypted = false)), "aws-storage-encrypted"],
    ["RDS keeps one day of backups", (f) => set(f(RDS), (p) => (p.backupRetentionPeriod = 1)), "aws-backup-retention"],
    ["RDS deletion protection off", (f) => set(f(RDS), (p) => (p.deletionProtection = false)), "aws-deletion-protection"],
    ["RDS public", (f) => set(f(RDS), (p) => (p.publiclyAccessible = true)), "aws-not-publicly-accessible"],
    ["RDS single-AZ", (f) => set(f(RDS), (p) => (p.multiAz = false)), "aws-high-availability"],
    ["DocumentDB TLS parameter off", (f) => set(f("aws:docdb/clusterParameterGroup:ClusterParameterGroup"), (p) => (p.parameters = p.parameters.map((x: Any) => (x.name === "tls" ? { ...x, value: "disabled" } : x)))), "aws-tls-in-transit"],
    ["OpenSearch outside the VPC", (f) => set(f("aws:opensearch/domain:Domain"), (p) => delete p.vpcOptions), "aws-not-publicly-accessible"],
    ["a security group open to the world on 5432", (_f, rs) => {
      const sg = rs.find((r) => r.type === "aws:ec2/securityGroup:SecurityGroup" || r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
      if (!sg) throw new Error("prod has no security group");
      if (sg.type === "aws:ec2/securityGroup:SecurityGroup") set(sg, (p) => (p.ingress = [...(p.ingress ?? []), { protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["0.0.0.0/0"] }]));
      else set(sg, (p) => Object.assign(p, { cidrIpv4: "0.0.0.0/0", fromPort: 5432, toPort: 5432, ipProtocol: "tcp" }));
    }, "aws-no-public-database-ingress"],
  ];
  it.each(cases)("%s", async (_name, change, policy) => {
    const before = new Set((await mandatory(prod())).map((x) => x.split(":")[0]));
    const after = (await mandatory(breakOne(prod(), change))).filter((x) => !before.has(x.split(":")[0]) || x.startsWith(policy));
    expect(after.map((x) => x.split(":")[0])).toContain(policy);
  });
});
