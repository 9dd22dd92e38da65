/**
 * `npm run backup -- run` on a stack whose stores are on aws: each managed service's own snapshot
 * through the AWS SDK (under aws-sdk-client-mock, exact command inputs), waited for, recorded.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { CreateDBSnapshotCommand, DescribeDBSnapshotsCommand } from "@aws-sdk/client-rds";
import { CreateDBClusterSnapshotCommand, DescribeDBClusterSnapshotsCommand } from "@aws-sdk/client-docdb";
import { CreateSnapshotCommand as MemoryDbCreateSnapshot, DescribeSnapshotsCommand as MemoryDbDescribeSnapshots } from "@aws-sdk/client-memorydb";
import { backupMain } from "../../../stacks/backup/backup";
import { readManagedManifest } from "../../../components/backup/managed/manifest";
import { BUCKET, cli, docdb, fakeClock, fakeDomain, memorydb, rds, REGION, resetMocks, ROLE, storesOutput, tmp } from "./fixtures";

const NOW = new Date("2026-12-03T02:00:00Z");
const ID = "20261203_020000";
const TAGS = (store: string) => [
  { Key: "project", Value: "polystore" },
  { Key: "stack", Value: "prod" },
  { Key: "store", Value: store },
  { Key: "backup-id", Value: ID },
];
const PG_SNAP = "polystore-prod-postgres-20261203-020000";
const REDIS_SNAP = "polystore-prod-redis-20261203-020000";
const MONGO_SNAP = "polystore-prod-mongodb-20261203-020000";
const ES_SNAP = "polystore-prod-elasticsearch-20261203-020000";
const ARGS = ["run", "--stack", "prod", "--store", "postgres", "--store", "redis", "--store", "mongodb", "--store", "elasticsearch", "--wait-minutes", "5"];

/** A domain without the repository yet: registered, then the snapshot runs IN_PROGRESS → SUCCESS. */
function domain() {
  let polls = 0;
  return fakeDomain({
    "GET /_snapshot/polystore": () => ({ status: 404, json: { error: { type: "repository_missing_exception" } } }),
    "PUT /_snapshot/polystore": () => ({ status: 200, json: { acknowledged: true } }),
    [`PUT /_snapshot/polystore/${ES_SNAP}`]: () => ({ status: 200, json: { accepted: true } }),
    [`GET /_snapshot/polystore/${ES_SNAP}`]: () => ({ status: 200, json: { snapshots: [{ snapshot: ES_SNAP, state: polls++ ? "SUCCESS" : "IN_PROGRESS", version: "2.19.0" }] } }),
    "GET /_snapshot/polystore/_all": () => ({ status: 200, json: { snapshots: [] } }),
  });
}

/** Every service: created, creating once, then available; nothing to prune. */
function servicesOk() {
  rds.on(CreateDBSnapshotCommand).resolves({ DBSnapshot: { DBSnapshotIdentifier: PG_SNAP, Status: "creating", DBSnapshotArn: `arn:aws:rds:${REGION}:123456789012:snapshot:${PG_SNAP}` } });
  rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [] });
  rds
    .on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: PG_SNAP })
    .resolvesOnce({ DBSnapshots: [{ Status: "creating" }] })
    .resolves({ DBSnapshots: [{ Status: "available", Engine: "postgres", EngineVersion: "16.4", DBSnapshotArn: `arn:aws:rds:${REGION}:123456789012:snapshot:${PG_SNAP}` }] });
  memorydb.on(MemoryDbCreateSnapshot).resolves({ Snapshot: { Name: REDIS_SNAP, Status: "creating", ARN: `arn:aws:memorydb:${REGION}:123456789012:snapshot/${REDIS_SNAP}` } });
  memorydb.on(MemoryDbDescribeSnapshots).resolves({ Snapshots: [] });
  memorydb
    .on(MemoryDbDescribeSnapshots, { SnapshotName: REDIS_SNAP })
    .resolves({ Snapshots: [{ Name: REDIS_SNAP, Status: "available", ARN: `arn:aws:memorydb:${REGION}:123456789012:snapshot/${REDIS_SNAP}`, ClusterConfiguration: { Engine: "redis", EngineVersion: "7.1" } }] });
  docdb.on(CreateDBClusterSnapshotCommand).resolves({ DBClusterSnapshot: { Status: "creating" } });
  docdb.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
  docdb
    .on(DescribeDBClusterSnapshotsCommand, { DBClusterSnapshotIdentifier: MONGO_SNAP })
    .resolves({ DBClusterSnapshots: [{ Status: "available", Engine: "docdb", EngineVersion: "5.0.0", DBClusterSnapshotArn: `arn:aws:rds:${REGION}:123456789012:cluster-snapshot:${MONGO_SNAP}` }] });
}

let dir: string;
beforeEach(() => {
  resetMocks();
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
  dir = tmp("polystore-managed-run-");
});
afterAll(() => vi.useRealTimers());

describe("backup run on aws: the managed services' own snapshots", () => {
  it("takes, tags, waits for and records a snapshot of every managed store; the kubernetes store is not touched", async () => {
    servicesOk();
    const os = domain();
    const r = await cli(backupMain, [...ARGS, "--to", dir], { storesOutput: async () => storesOutput(), adapters: os.deps, clock: fakeClock() });
    expect(r.err).not.toContain("failed");
    expect(r.code).toBe(0);

    expect(rds).toHaveReceivedCommandWith(CreateDBSnapshotCommand, { DBSnapshotIdentifier: PG_SNAP, DBInstanceIdentifier: "postgres-db-1", Tags: TAGS("postgres") });
    expect(memorydb).toHaveReceivedCommandWith(MemoryDbCreateSnapshot, { ClusterName: "redis-cluster-1", SnapshotName: REDIS_SNAP, Tags: TAGS("redis") });
    expect(docdb).toHaveReceivedCommandWith(CreateDBClusterSnapshotCommand, { DBClusterSnapshotIdentifier: MONGO_SNAP, DBClusterIdentifier: "mongodb-cluster-1", Tags: TAGS("mongodb") });
    // creating → available: polled twice.
    expect(rds.commandCalls(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: PG_SNAP })).toHaveLength(2);
    expect(r.err).toContain(`postgres: RDS DB snapshot ${PG_SNAP} of postgres-db-1: creating`);
    expect(r.err).toContain(`postgres: RDS DB snapshot ${PG_SNAP} of postgres-db-1: available`);

    // OpenSearch: repository registered (it was missing), then the snapshot, each request signed.
    const calls = os.requests.map((q) => `${q.method} ${q.path}`);
    expect(calls.slice(0, 3)).toEqual(["GET /_snapshot/polystore", "PUT /_snapshot/polystore", `PUT /_snapshot/polystore/${ES_SNAP}`]);
    expect(JSON.parse(os.requests[1]!.body!)).toEqual({ type: "s3", settings: { bucket: BUCKET, region: REGION, role_arn: ROLE } });
    expect(JSON.parse(os.requests[2]!.body!)).toEqual({ indices: "*,-.*", include_global_state: false, metadata: { project: "polystore", stack: "prod", store: "elasticsearch", "backup-id": ID } });
    for (const q of os.requests) {
      expect(q.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261203\/eu-west-1\/es\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/);
      expect(q.headers["x-amz-date"]).toBe("20261203T020000Z");
      expect(q.hostname).toBe("vpc-ps-prod-es.eu-west-1.es.amazonaws.com");
    }

    const m = readManagedManifest(`${dir}/${ID}.managed.json`);
    expect(m.stack).toBe("prod");
    expect(Object.keys(m.stores)).toEqual(["postgres", "redis", "mongodb", "elasticsearch"]);
    expect(m.stores.postgres).toMatchObject({ service: "rds", region: REGION, resource: "postgres-db-1", snapshot: PG_SNAP, state: "available", engineVersion: "postgres 16.4", arn: `arn:aws:rds:${REGION}:123456789012:snapshot:${PG_SNAP}` });
    expect(m.stores.redis).toMatchObject({ service: "memorydb", snapshot: REDIS_SNAP, state: "available", engineVersion: "redis 7.1" });
    expect(m.stores.mongodb).toMatchObject({ service: "docdb", snapshot: MONGO_SNAP, state: "available", engineVersion: "docdb 5.0.0" });
    expect(m.stores.elasticsearch).toMatchObject({ service: "opensearch", snapshot: ES_SNAP, state: "available", engineVersion: "OpenSearch 2.19.0", repository: { name: "polystore", bucket: BUCKET } });
    expect(m.stores.postgres!.method).toBe("RDS DB snapshot (the service's own snapshot; no counts)");
    expect(readFileSync(`${dir}/${ID}.managed.json`, "utf8")).not.toMatch(/password/i);

    // list shows the managed run.
    const list = await cli(backupMain, ["list", "--stack", "prod", "--to", dir], {});
    expect(list.out).toContain(`${ID}  0m        managed: postgres rds available, redis memorydb available, mongodb docdb available, elasticsearch opensearch available`);
  });

  it("one store failing leaves the others' snapshots recorded, names the store, exits 1 and prunes nothing", async () => {
    servicesOk();
    memorydb.on(MemoryDbCreateSnapshot).rejects(Object.assign(new Error("Cluster redis-cluster-1 is not in available state."), { name: "InvalidClusterStateFault" }));
    const os = domain();
    const r = await cli(backupMain, [...ARGS, "--to", dir], { storesOutput: async () => storesOutput(), adapters: os.deps, clock: fakeClock() });
    expect(r.code).toBe(1);
    expect(r.err).toContain(`backup ${ID}: 1 store(s) failed; the others are recorded (nothing pruned):\nredis: Cluster redis-cluster-1 is not in available state.`);
    const m = readManagedManifest(`${dir}/${ID}.managed.json`);
    expect(m.stores.redis).toMatchObject({ state: "failed", error: "Cluster redis-cluster-1 is not in available state." });
    expect([m.stores.postgres!.state, m.stores.mongodb!.state, m.stores.elasticsearch!.state]).toEqual(["available", "available", "available"]);
    expect(rds.commandCalls(DescribeDBSnapshotsCommand, { SnapshotType: "manual" })).toHaveLength(0);
  });

  it("a snapshot still creating when --wait-minutes runs out: a clear error naming it, recorded as creating", async () => {
    servicesOk();
    rds.on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: PG_SNAP }).resolves({ DBSnapshots: [{ Status: "creating" }] });
    const os = domain();
    const r = await cli(backupMain, ["run", "--stack", "prod", "--store", "postgres", "--wait-minutes", "1", "--to", dir], { storesOutput: async () => storesOutput(), adapters: os.deps, clock: fakeClock() });
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `postgres: RDS DB snapshot ${PG_SNAP} of postgres-db-1 is not available after 1 minute(s) (--wait-minutes 1); last state: creating. ` +
        `It goes on in AWS and is recorded in the run's manifest as "creating"; pass a larger --wait-minutes to wait longer`,
    );
    // 15 s polls over one minute: the first poll, then one after each sleep until the deadline.
    expect(rds.commandCalls(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: PG_SNAP })).toHaveLength(5);
    expect(readManagedManifest(`${dir}/${ID}.managed.json`).stores.postgres).toMatchObject({ state: "creating", snapshot: PG_SNAP });
  });

  it("a resource the stack output names but AWS does not know: the error names the store, identifier and region", async () => {
    servicesOk();
    rds.on(CreateDBSnapshotCommand).rejects(Object.assign(new Error("DBInstance postgres-db-1 not found."), { name: "DBInstanceNotFoundFault" }));
    const r = await cli(backupMain, ["run", "--stack", "prod", "--store", "postgres", "--to", dir], { storesOutput: async () => storesOutput(), clock: fakeClock() });
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'postgres: RDS DB instance "postgres-db-1" does not exist in eu-west-1 (DBInstanceNotFound); the stack output "stores" may be stale (run pulumi refresh / pulumi up) or name another region',
    );
  });

  it("a mixed stack: the aws store gets its snapshot, the kubernetes store is dumped under the same id; its failure is named and the snapshot stays recorded", async () => {
    servicesOk();
    const out = storesOutput();
    const conns = {
      clickhouse: { kind: "clickhouse" as const, host: "127.0.0.1", port: 1, tls: false, database: "app", admin: { user: "admin", password: "s3cret-admin" }, app: { user: "app", password: "s3cret-app" } },
    };
    const r = await cli(backupMain, ["run", "--stack", "prod", "--store", "postgres", "--store", "clickhouse", "--to", dir], { storesOutput: async () => out, connections: async () => conns, clock: fakeClock() });
    expect(r.code).toBe(1);
    expect(r.out).toContain(`backup ${ID} of stack prod: managed snapshots recorded in ${dir}/${ID}.managed.json\n  postgres      rds ${PG_SNAP}: available; postgres 16.4`);
    expect(r.err).toContain(`backup ${ID}: 1 store(s) failed; the others are recorded (nothing pruned):\nclickhouse (dump): clickhouse at 127.0.0.1:1 is not up`);
    expect(r.err + r.out).not.toContain("s3cret");
    expect(Object.keys(readManagedManifest(`${dir}/${ID}.managed.json`).stores)).toEqual(["postgres"]);
  });
});
