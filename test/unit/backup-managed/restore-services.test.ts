/**
 * Restore beside for DocumentDB, ElastiCache, MemoryDB and OpenSearch: the exact create calls,
 * configured like the live resource, and the new endpoint (the adapters directly, no CLI).
 */
import { beforeEach, describe, expect, it } from "vitest";
import { CreateDBInstanceCommand, DescribeDBClustersCommand, DescribeDBInstancesCommand, RestoreDBClusterFromSnapshotCommand } from "@aws-sdk/client-docdb";
import { CreateReplicationGroupCommand, DescribeCacheClustersCommand, DescribeReplicationGroupsCommand } from "@aws-sdk/client-elasticache";
import { CreateClusterCommand, DescribeClustersCommand } from "@aws-sdk/client-memorydb";
import { restoreManagedBeside } from "../../../components/backup/managed/restore";
import { MANAGED_FORMAT, type ManagedManifest } from "../../../components/backup/managed/manifest";
import type { ManagedTarget } from "../../../components/backup/managed/types";
import type { StoreKind } from "../../../components/core/types";
import { docdb, elasticache, fakeClock, fakeDomain, memorydb, REGION, resetMocks, storesOutput } from "./fixtures";

const ID = "20261203_020000";
const TAGS = (store: string, snap: string) => [
  { Key: "project", Value: "polystore" },
  { Key: "stack", Value: "prod" },
  { Key: "store", Value: store },
  { Key: "backup-id", Value: ID },
  { Key: "restored-from", Value: snap },
];

function manifest(kind: StoreKind, t: ManagedTarget, snapshot: string): ManagedManifest {
  return {
    format: MANAGED_FORMAT, id: ID, createdAt: "", polystoreVersion: "0.1.0", stack: "prod",
    stores: { [kind]: { service: t.fact.service, region: REGION, resource: t.fact.id, snapshot, state: "available", startedAt: "", method: "", restoreMethod: "" } },
  };
}

const run = (kind: StoreKind, t: ManagedTarget, snap: string, deps?: Parameters<typeof restoreManagedBeside>[3]["deps"]) =>
  restoreManagedBeside(manifest(kind, t, snap), new Map([[kind, t]]), [kind], { stack: "prod", waitMinutes: 10, log: () => undefined, clock: fakeClock(), deps });

beforeEach(() => resetMocks());

describe("restore beside the live resource", () => {
  it("DocumentDB: a new cluster from the snapshot with the live subnet group, security groups, parameter group and key, plus one instance", async () => {
    const out = storesOutput();
    const t: ManagedTarget = { kind: "mongodb", fact: out.mongodb!.managed!, host: out.mongodb!.host };
    const NEW = "mongodb-cluster-1-r20261203020000";
    docdb.on(DescribeDBClustersCommand, { DBClusterIdentifier: "mongodb-cluster-1" }).resolves({
      DBClusters: [{ DBSubnetGroup: "mongo-subnets", VpcSecurityGroups: [{ VpcSecurityGroupId: "sg-1" }], DBClusterParameterGroup: "mongo-params", KmsKeyId: "kms-1", DBClusterMembers: [{ DBInstanceIdentifier: "mongo-0", IsClusterWriter: true }] }],
    });
    docdb.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: "mongo-0" }).resolves({ DBInstances: [{ DBInstanceClass: "db.r6g.large" }] });
    docdb.on(DescribeDBClustersCommand, { DBClusterIdentifier: NEW }).resolves({ DBClusters: [{ Status: "available", Endpoint: `${NEW}.docdb.internal`, Port: 27017, DBClusterMembers: [{ DBInstanceIdentifier: `${NEW}-1` }] }] });
    docdb.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: `${NEW}-1` }).resolvesOnce({ DBInstances: [{ DBInstanceStatus: "creating" }] }).resolves({ DBInstances: [{ DBInstanceStatus: "available" }] });
    const r = await run("mongodb", t, "polystore-prod-mongodb-20261203-020000");
    expect(r.failures).toEqual([]);
    expect(docdb).toHaveReceivedCommandWith(RestoreDBClusterFromSnapshotCommand, {
      DBClusterIdentifier: NEW, SnapshotIdentifier: "polystore-prod-mongodb-20261203-020000", Engine: "docdb", DBSubnetGroupName: "mongo-subnets",
      VpcSecurityGroupIds: ["sg-1"], DBClusterParameterGroupName: "mongo-params", KmsKeyId: "kms-1", DeletionProtection: false, Tags: TAGS("mongodb", "polystore-prod-mongodb-20261203-020000"),
    });
    expect(docdb).toHaveReceivedCommandWith(CreateDBInstanceCommand, { DBInstanceIdentifier: `${NEW}-1`, DBClusterIdentifier: NEW, Engine: "docdb", DBInstanceClass: "db.r6g.large" });
    expect(r.restored[0]).toMatchObject({ kind: "mongodb", restoredId: NEW, endpoint: `${NEW}.docdb.internal:27017` });
  });

  it("ElastiCache: CreateReplicationGroup with SnapshotName, configured like the live group, one node", async () => {
    const t: ManagedTarget = { kind: "redis", host: "master.redis", fact: { service: "elasticache", id: "redis-cache-1", region: REGION, arn: "arn:aws:elasticache:eu-west-1:1:replicationgroup:redis-cache-1" } };
    const NEW = "redis-cache-1-r20261203020000";
    elasticache.on(DescribeReplicationGroupsCommand, { ReplicationGroupId: "redis-cache-1" }).resolves({ ReplicationGroups: [{ CacheNodeType: "cache.t4g.small", MemberClusters: ["redis-cache-1-001"], UserGroupIds: ["ug-1"], KmsKeyId: "kms-1" }] });
    elasticache.on(DescribeCacheClustersCommand).resolves({ CacheClusters: [{ EngineVersion: "7.1", CacheSubnetGroupName: "redis-subnets", SecurityGroups: [{ SecurityGroupId: "sg-2" }], CacheParameterGroup: { CacheParameterGroupName: "redis-params" } }] });
    elasticache.on(DescribeReplicationGroupsCommand, { ReplicationGroupId: NEW }).resolves({ ReplicationGroups: [{ Status: "available", NodeGroups: [{ PrimaryEndpoint: { Address: `master.${NEW}.cache`, Port: 6379 } }] }] });
    const r = await run("redis", t, "polystore-prod-redis-20261203-020000");
    expect(r.failures).toEqual([]);
    expect(elasticache).toHaveReceivedCommandWith(CreateReplicationGroupCommand, {
      ReplicationGroupId: NEW, ReplicationGroupDescription: "restored from polystore-prod-redis-20261203-020000 beside redis-cache-1", SnapshotName: "polystore-prod-redis-20261203-020000",
      Engine: "redis", EngineVersion: "7.1", CacheNodeType: "cache.t4g.small", NumCacheClusters: 1, CacheSubnetGroupName: "redis-subnets", SecurityGroupIds: ["sg-2"],
      CacheParameterGroupName: "redis-params", UserGroupIds: ["ug-1"], AtRestEncryptionEnabled: true, TransitEncryptionEnabled: true, KmsKeyId: "kms-1", Tags: TAGS("redis", "polystore-prod-redis-20261203-020000"),
    });
    expect(r.restored[0]!.endpoint).toBe(`master.${NEW}.cache:6379`);
  });

  it("MemoryDB: CreateCluster with SnapshotName, same ACL, groups and TLS; no replicas", async () => {
    const out = storesOutput();
    const t: ManagedTarget = { kind: "redis", fact: out.redis!.managed!, host: out.redis!.host };
    const NEW = "redis-cluster-1-r20261203020000";
    memorydb.on(DescribeClustersCommand, { ClusterName: "redis-cluster-1" }).resolves({
      Clusters: [{ NodeType: "db.t4g.small", Engine: "redis", EngineVersion: "7.1", ACLName: "redis-acl", SubnetGroupName: "redis-subnets", SecurityGroups: [{ SecurityGroupId: "sg-3" }], ParameterGroupName: "redis-params", KmsKeyId: "kms-1" }],
    });
    memorydb.on(DescribeClustersCommand, { ClusterName: NEW }).resolves({ Clusters: [{ Status: "available", ClusterEndpoint: { Address: `clustercfg.${NEW}`, Port: 6379 } }] });
    const r = await run("redis", t, "polystore-prod-redis-20261203-020000");
    expect(r.failures).toEqual([]);
    expect(memorydb).toHaveReceivedCommandWith(CreateClusterCommand, {
      ClusterName: NEW, SnapshotName: "polystore-prod-redis-20261203-020000", NodeType: "db.t4g.small", Engine: "redis", EngineVersion: "7.1", ACLName: "redis-acl", SubnetGroupName: "redis-subnets",
      SecurityGroupIds: ["sg-3"], ParameterGroupName: "redis-params", NumReplicasPerShard: 0, TLSEnabled: true, KmsKeyId: "kms-1", Tags: TAGS("redis", "polystore-prod-redis-20261203-020000"),
    });
    expect(r.restored[0]!.endpoint).toBe(`clustercfg.${NEW}:6379`);
  });

  it("OpenSearch: a signed _restore into the same domain, indices renamed beside the live ones", async () => {
    const out = storesOutput();
    const t: ManagedTarget = { kind: "elasticsearch", fact: out.elasticsearch!.managed!, host: out.elasticsearch!.host };
    const SNAP = "polystore-prod-elasticsearch-20261203-020000";
    const PREFIX = "ps-prod-elasticsearch-r20261203020000";
    let polls = 0;
    const os = fakeDomain({
      [`POST /_snapshot/polystore/${SNAP}/_restore`]: () => ({ status: 200, json: { accepted: true } }),
      [`GET /_cluster/health/${PREFIX}-*`]: () => ({ status: 200, json: polls++ ? { status: "green", initializing_shards: 0 } : { status: "red", initializing_shards: 2 } }),
    });
    const r = await run("elasticsearch", t, SNAP, os.deps);
    expect(r.failures).toEqual([]);
    const restore = os.requests.find((q) => q.method === "POST")!;
    expect(JSON.parse(restore.body!)).toEqual({ indices: "*,-.*", include_global_state: false, include_aliases: false, rename_pattern: "(.+)", rename_replacement: `${PREFIX}-$1` });
    expect(restore.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    expect(r.restored[0]!.endpoint).toBe(`${out.elasticsearch!.host}:443 (indices ${PREFIX}-*)`);
  });
});
