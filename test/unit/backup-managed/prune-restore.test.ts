/**
 * Retention of managed snapshots (only what polystore tagged for THAT stack) and restore BESIDE
 * the live resource, under aws-sdk-client-mock with the exact command inputs.
 */
import { beforeEach, describe, expect, it } from "vitest";
import {
  DeleteDBSnapshotCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
} from "@aws-sdk/client-rds";
import { CreateReplicationGroupCommand, DeleteSnapshotCommand, DescribeCacheClustersCommand, DescribeReplicationGroupsCommand, DescribeSnapshotsCommand, ListTagsForResourceCommand } from "@aws-sdk/client-elasticache";
import { backupMain } from "../../../stacks/backup/backup";
import { restoreMain } from "../../../stacks/backup/restore";
import { writeManagedManifest, MANAGED_FORMAT, type ManagedManifest } from "../../../components/backup/managed/manifest";
import type { StoresOutput } from "../../../components/init/stores-output";
import { cli, elasticache, fakeClock, fakeDomain, rds, REGION, resetMocks, storesOutput, tmp } from "./fixtures";

const tagged = (stack: string, id: string) => [
  { Key: "project", Value: "polystore" },
  { Key: "stack", Value: stack },
  { Key: "backup-id", Value: id },
];

function record(dir: string, id: string, stores: ManagedManifest["stores"]): void {
  writeManagedManifest(dir, { format: MANAGED_FORMAT, id, createdAt: "2026-11-01T00:00:00Z", polystoreVersion: "0.1.0", stack: "prod", stores });
}
const pgRecord = (id: string, snapshot: string) => ({
  service: "rds" as const, region: REGION, resource: "postgres-db-1", snapshot, state: "available" as const, startedAt: "2026-11-01T00:00:00Z", method: "m", restoreMethod: "r", engineVersion: "postgres 16.4",
});

beforeEach(() => resetMocks());

describe("prune: only snapshots polystore tagged for this stack, older than --keep-days", () => {
  it("RDS and OpenSearch: deletes the old tagged ones, keeps other stacks', untagged, hand-made and recent ones", async () => {
    const dir = tmp("polystore-managed-prune-");
    record(dir, "20261101_000000", { postgres: pgRecord("20261101_000000", "polystore-prod-postgres-20261101-000000") });
    const old = new Date(Date.now() - 30 * 86_400_000);
    rds.on(DescribeDBSnapshotsCommand, { DBInstanceIdentifier: "postgres-db-1", SnapshotType: "manual" }).resolves({
      DBSnapshots: [
        { DBSnapshotIdentifier: "polystore-prod-postgres-20261101-000000", SnapshotCreateTime: old, TagList: tagged("prod", "20261101_000000") },
        { DBSnapshotIdentifier: "polystore-staging-postgres-20261101-000000", SnapshotCreateTime: old, TagList: tagged("staging", "20261101_000000") },
        { DBSnapshotIdentifier: "before-migration", SnapshotCreateTime: old, TagList: [{ Key: "project", Value: "polystore" }, { Key: "stack", Value: "prod" }] },
        { DBSnapshotIdentifier: "hand-made", SnapshotCreateTime: old },
        { DBSnapshotIdentifier: "polystore-prod-postgres-new", SnapshotCreateTime: new Date(), TagList: tagged("prod", "20261202_000000") },
      ],
    });
    rds.on(DeleteDBSnapshotCommand).resolves({});
    const os = fakeDomain({
      "GET /_snapshot/polystore/_all": () => ({
        status: 200,
        json: {
          snapshots: [
            { snapshot: "polystore-prod-elasticsearch-20261101-000000", start_time_in_millis: old.getTime(), metadata: { project: "polystore", stack: "prod", "backup-id": "20261101_000000" } },
            { snapshot: "manual-by-ops", start_time_in_millis: old.getTime() },
            { snapshot: "polystore-dev-elasticsearch-20261101-000000", start_time_in_millis: old.getTime(), metadata: { project: "polystore", stack: "dev", "backup-id": "20261101_000000" } },
          ],
        },
      }),
      "DELETE /_snapshot/polystore/polystore-prod-elasticsearch-20261101-000000": () => ({ status: 200, json: { acknowledged: true } }),
    });
    const only = (s: StoresOutput): StoresOutput => ({ postgres: s.postgres, elasticsearch: s.elasticsearch });
    const r = await cli(backupMain, ["prune", "--stack", "prod", "--keep-days", "7", "--to", dir], { storesOutput: async () => only(storesOutput()), adapters: os.deps });
    expect(r.err).toBe("postgres: deleted RDS DB snapshot polystore-prod-postgres-20261101-000000\nelasticsearch: deleted OpenSearch manual snapshot polystore-prod-elasticsearch-20261101-000000\n");
    expect(r.code).toBe(0);
    expect(rds).toHaveReceivedCommandTimes(DeleteDBSnapshotCommand, 1);
    expect(rds).toHaveReceivedCommandWith(DeleteDBSnapshotCommand, { DBSnapshotIdentifier: "polystore-prod-postgres-20261101-000000" });
    expect(os.requests.filter((q) => q.method === "DELETE").map((q) => q.path)).toEqual(["/_snapshot/polystore/polystore-prod-elasticsearch-20261101-000000"]);
    expect(r.out).toContain("deleted 2 managed snapshot(s) older than 7 days: postgres:polystore-prod-postgres-20261101-000000, elasticsearch:polystore-prod-elasticsearch-20261101-000000");
    // The local record of the pruned run is gone too.
    expect((await cli(backupMain, ["list", "--stack", "prod", "--to", dir], {})).out).toContain("no backups in");
  });

  it("ElastiCache reads each snapshot's tags (ListTagsForResource) before deleting", async () => {
    const dir = tmp("polystore-managed-prune-ec-");
    const ec: StoresOutput = { redis: { target: "aws", host: "master.redis", port: 6379, database: "0", managed: { service: "elasticache", id: "redis-cache-1", region: REGION, arn: "arn:aws:elasticache:eu-west-1:1:replicationgroup:redis-cache-1" } } };
    record(dir, "20261101_000000", { redis: { ...pgRecord("20261101_000000", "polystore-prod-redis-20261101-000000"), service: "elasticache", resource: "redis-cache-1" } });
    const old = new Date(Date.now() - 30 * 86_400_000);
    elasticache.on(DescribeSnapshotsCommand).resolves({
      Snapshots: [
        { SnapshotName: "polystore-prod-redis-20261101-000000", ARN: "arn:ec:1", NodeSnapshots: [{ SnapshotCreateTime: old }] },
        { SnapshotName: "other", ARN: "arn:ec:2", NodeSnapshots: [{ SnapshotCreateTime: old }] },
      ],
    });
    elasticache.on(ListTagsForResourceCommand, { ResourceName: "arn:ec:1" }).resolves({ TagList: tagged("prod", "20261101_000000") });
    elasticache.on(ListTagsForResourceCommand, { ResourceName: "arn:ec:2" }).resolves({ TagList: [] });
    elasticache.on(DeleteSnapshotCommand).resolves({});
    const r = await cli(backupMain, ["prune", "--stack", "prod", "--to", dir], { storesOutput: async () => ec });
    expect(r.code).toBe(0);
    expect(elasticache).toHaveReceivedCommandWith(DescribeSnapshotsCommand, { ReplicationGroupId: "redis-cache-1", SnapshotSource: "manual" });
    expect(elasticache).toHaveReceivedCommandTimes(DeleteSnapshotCommand, 1);
    expect(elasticache).toHaveReceivedCommandWith(DeleteSnapshotCommand, { SnapshotName: "polystore-prod-redis-20261101-000000" });
  });
});

describe("restore of a managed backup: beside the live resource, never over it", () => {
  const ID = "20261203_020000";
  const SNAP = "polystore-prod-postgres-20261203-020000";
  const NEW = "postgres-db-1-r20261203020000";

  it("RDS: RestoreDBInstanceFromDBSnapshot into <id>-r<backup> with the live instance's subnet group, security groups and parameter group; prints endpoint and steps", async () => {
    const dir = tmp("polystore-managed-restore-");
    record(dir, ID, { postgres: pgRecord(ID, SNAP) });
    rds.on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: SNAP }).resolves({ DBSnapshots: [{ Status: "available" }] });
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: "postgres-db-1" }).resolves({
      DBInstances: [{ DBInstanceClass: "db.m7g.large", MultiAZ: true, DBSubnetGroup: { DBSubnetGroupName: "postgres-subnets-1" }, VpcSecurityGroups: [{ VpcSecurityGroupId: "sg-0a" }], DBParameterGroups: [{ DBParameterGroupName: "postgres-params-1" }] }],
    });
    rds
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: NEW })
      .rejectsOnce(Object.assign(new Error("not found"), { name: "DBInstanceNotFoundFault" }))
      .resolvesOnce({ DBInstances: [{ DBInstanceStatus: "creating" }] })
      .resolves({ DBInstances: [{ DBInstanceStatus: "available", Endpoint: { Address: `${NEW}.abc.eu-west-1.rds.amazonaws.com`, Port: 5432 } }] });
    rds.on(RestoreDBInstanceFromDBSnapshotCommand).resolves({});
    const r = await cli(restoreMain, ["--stack", "prod", ID, "--yes", "--to", dir], { storesOutput: async () => storesOutput(), clock: fakeClock() });
    expect(r.err).not.toContain("failed");
    expect(r.code).toBe(0);
    expect(rds).toHaveReceivedCommandWith(RestoreDBInstanceFromDBSnapshotCommand, {
      DBInstanceIdentifier: NEW,
      DBSnapshotIdentifier: SNAP,
      DBInstanceClass: "db.m7g.large",
      DBSubnetGroupName: "postgres-subnets-1",
      VpcSecurityGroupIds: ["sg-0a"],
      DBParameterGroupName: "postgres-params-1",
      MultiAZ: true,
      PubliclyAccessible: false,
      CopyTagsToSnapshot: true,
      DeletionProtection: false,
      Tags: [...tagged("prod", ID).slice(0, 2), { Key: "store", Value: "postgres" }, { Key: "backup-id", Value: ID }, { Key: "restored-from", Value: SNAP }],
    });
    expect(r.out).toContain(`postgres: restored beside the live resource as ${NEW}, endpoint ${NEW}.abc.eu-west-1.rds.amazonaws.com:5432`);
    expect(r.out).toContain(`2. stop the applications' writes, then point them at ${NEW}.abc.eu-west-1.rds.amazonaws.com:5432 (DATABASE_URL / POSTGRES_URL / POSTGRES_HOST in their connection secret)`);
  });

  it("refuses before making anything when the snapshot is gone or the new name is taken, naming every problem", async () => {
    const dir = tmp("polystore-managed-restore-bad-");
    record(dir, ID, { postgres: pgRecord(ID, SNAP), redis: { ...pgRecord(ID, "polystore-prod-redis-20261203-020000"), service: "elasticache", resource: "redis-cache-1" } });
    rds.on(DescribeDBSnapshotsCommand).rejects(Object.assign(new Error("gone"), { name: "DBSnapshotNotFoundFault" }));
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: NEW }).resolves({ DBInstances: [{ DBInstanceStatus: "available" }] });
    const r = await cli(restoreMain, ["--stack", "prod", ID, "--yes", "--to", dir], { storesOutput: async () => storesOutput(), clock: fakeClock() });
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      [
        `managed backup ${ID} cannot be restored; nothing was made:`,
        `postgres: RDS DB snapshot ${SNAP} is not in AWS (deleted or pruned), not available`,
        `postgres: ${NEW} exists already (an earlier restore of ${ID}?); delete it or use it`,
        "redis: the backup is of elasticache redis-cache-1 in eu-west-1, but the stack now has memorydb redis-cluster-1 in eu-west-1; restore it by hand (docs/backup.md)",
      ].join("\n"),
    );
    expect(rds).toHaveReceivedCommandTimes(RestoreDBInstanceFromDBSnapshotCommand, 0);
    expect(elasticache).toHaveReceivedCommandTimes(CreateReplicationGroupCommand, 0);
    expect(elasticache).toHaveReceivedCommandTimes(DescribeReplicationGroupsCommand, 0);
    expect(elasticache).toHaveReceivedCommandTimes(DescribeCacheClustersCommand, 0);
  });
});
