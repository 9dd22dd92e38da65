/**
 * ElastiCache (Redis, cluster mode disabled): `CreateSnapshot` of the replication group, restored
 * with `CreateReplicationGroup` + `SnapshotName` into a NEW replication group beside the live one
 * (same node type, engine version, subnet group, security groups, parameter group, user groups,
 * encryption at rest and in transit; one node: add replicas after the switch).
 */
import {
  CreateReplicationGroupCommand,
  CreateSnapshotCommand,
  DeleteSnapshotCommand,
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  DescribeSnapshotsCommand,
  ElastiCacheClient,
  ListTagsForResourceCommand,
  type Snapshot,
} from "@aws-sdk/client-elasticache";
import { awsErrorName, stateOf, tagList, tagRecord, UnknownResourceError, type ManagedAdapter, type ManagedTarget, type SnapshotStatus, addressVars } from "./types";

const client = (t: ManagedTarget) => new ElastiCacheClient({ region: t.fact.region });
const PENDING = ["creating", "copying", "modifying", "snapshotting"];
const notFound = (t: ManagedTarget) => new UnknownResourceError(t, "ElastiCache replication group", "ReplicationGroupNotFound");

function status(s: Snapshot | undefined): SnapshotStatus {
  if (!s) return { state: "missing" };
  return {
    state: stateOf(s.SnapshotStatus, PENDING),
    arn: s.ARN,
    engineVersion: s.Engine && s.EngineVersion ? `${s.Engine} ${s.EngineVersion}` : undefined,
    createdAt: s.NodeSnapshots?.[0]?.SnapshotCreateTime,
    detail: s.SnapshotStatus,
  };
}

async function liveGroup(t: ManagedTarget) {
  try {
    return (await client(t).send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: t.fact.id }))).ReplicationGroups![0]!;
  } catch (err) {
    if (awsErrorName(err) === "ReplicationGroupNotFoundFault") throw notFound(t);
    throw err;
  }
}

export const elasticacheAdapter: ManagedAdapter = {
  service: "elasticache",
  noun: "ElastiCache snapshot",
  maxName: 255,
  maxRestoredId: 40,
  async create(t, name, tags) {
    try {
      const r = await client(t).send(new CreateSnapshotCommand({ SnapshotName: name, ReplicationGroupId: t.fact.id, Tags: tagList(tags) }));
      return status(r.Snapshot);
    } catch (err) {
      if (awsErrorName(err) === "ReplicationGroupNotFoundFault") throw notFound(t);
      throw err;
    }
  },
  async describe(t, name) {
    try {
      return status((await client(t).send(new DescribeSnapshotsCommand({ SnapshotName: name }))).Snapshots?.[0]);
    } catch (err) {
      if (awsErrorName(err) === "SnapshotNotFoundFault") return { state: "missing" };
      throw err;
    }
  },
  async list(t) {
    const out = [];
    let marker: string | undefined;
    do {
      const r = await client(t).send(new DescribeSnapshotsCommand({ ReplicationGroupId: t.fact.id, SnapshotSource: "manual", Marker: marker }));
      for (const s of r.Snapshots ?? []) {
        const tags = await client(t).send(new ListTagsForResourceCommand({ ResourceName: s.ARN }));
        out.push({ name: s.SnapshotName!, createdAt: s.NodeSnapshots?.[0]?.SnapshotCreateTime, tags: tagRecord(tags.TagList) });
      }
      marker = r.Marker;
    } while (marker);
    return out;
  },
  async delete(t, name) {
    await client(t).send(new DeleteSnapshotCommand({ SnapshotName: name }));
  },
  async restore(t, name, restoredId, tags) {
    const live = await liveGroup(t);
    const member = live.MemberClusters?.[0];
    const node = member ? (await client(t).send(new DescribeCacheClustersCommand({ CacheClusterId: member }))).CacheClusters?.[0] : undefined;
    await client(t).send(
      new CreateReplicationGroupCommand({
        ReplicationGroupId: restoredId,
        ReplicationGroupDescription: `restored from ${name} beside ${t.fact.id}`,
        SnapshotName: name,
        Engine: "redis",
        EngineVersion: node?.EngineVersion,
        CacheNodeType: live.CacheNodeType,
        NumCacheClusters: 1,
        CacheSubnetGroupName: node?.CacheSubnetGroupName,
        SecurityGroupIds: (node?.SecurityGroups ?? []).map((g) => g.SecurityGroupId!),
        CacheParameterGroupName: node?.CacheParameterGroup?.CacheParameterGroupName,
        UserGroupIds: live.UserGroupIds,
        AtRestEncryptionEnabled: true,
        TransitEncryptionEnabled: true,
        KmsKeyId: live.KmsKeyId,
        Tags: tagList(tags),
      }),
    );
  },
  async describeRestored(t, restoredId) {
    try {
      const g = (await client(t).send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: restoredId }))).ReplicationGroups?.[0];
      if (!g) return { state: "missing" };
      const e = g.NodeGroups?.[0]?.PrimaryEndpoint;
      return { state: stateOf(g.Status, PENDING), endpoint: e?.Address ? `${e.Address}:${e.Port}` : undefined, detail: g.Status };
    } catch (err) {
      if (awsErrorName(err) === "ReplicationGroupNotFoundFault") return { state: "missing" };
      throw err;
    }
  },
  switchSteps(t, restoredId, endpoint) {
    return [
      `check the keys on ${endpoint} (same users: the user group of ${t.fact.id} is attached)`,
      `stop the applications' writes, then point them at ${endpoint} (${addressVars(t.kind)} in their connection secret)`,
      `${restoredId} has one node and is not in the Pulumi stack: add replicas if needed, import it (pulumi import) or delete it when you move back`,
    ];
  },
};
