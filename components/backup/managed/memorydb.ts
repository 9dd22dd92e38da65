/**
 * MemoryDB: `CreateSnapshot` of the cluster, restored with `CreateCluster` + `SnapshotName` into a
 * NEW cluster beside the live one (same node type, engine version, ACL, subnet group, security
 * groups, parameter group, TLS, KMS key; no replicas: add them after the switch).
 */
import {
  CreateClusterCommand,
  CreateSnapshotCommand,
  DeleteSnapshotCommand,
  DescribeClustersCommand,
  DescribeSnapshotsCommand,
  ListTagsCommand,
  MemoryDBClient,
  type Snapshot,
} from "@aws-sdk/client-memorydb";
import { awsErrorName, stateOf, tagList, tagRecord, UnknownResourceError, type ManagedAdapter, type ManagedTarget, type SnapshotStatus, addressVars } from "./types";

const client = (t: ManagedTarget) => new MemoryDBClient({ region: t.fact.region });
const PENDING = ["creating", "copying", "updating", "snapshotting"];
const notFound = (t: ManagedTarget) => new UnknownResourceError(t, "MemoryDB cluster", "ClusterNotFound");

function status(s: Snapshot | undefined): SnapshotStatus {
  if (!s) return { state: "missing" };
  const c = s.ClusterConfiguration;
  return {
    state: stateOf(s.Status, PENDING),
    arn: s.ARN,
    engineVersion: c?.EngineVersion ? `${c.Engine ?? "redis"} ${c.EngineVersion}` : undefined,
    createdAt: c?.Shards?.[0]?.SnapshotCreationTime,
    detail: s.Status,
  };
}

async function liveCluster(t: ManagedTarget) {
  try {
    return (await client(t).send(new DescribeClustersCommand({ ClusterName: t.fact.id }))).Clusters![0]!;
  } catch (err) {
    if (awsErrorName(err) === "ClusterNotFoundFault") throw notFound(t);
    throw err;
  }
}

export const memorydbAdapter: ManagedAdapter = {
  service: "memorydb",
  noun: "MemoryDB snapshot",
  maxName: 255,
  maxRestoredId: 40,
  async create(t, name, tags) {
    try {
      return status((await client(t).send(new CreateSnapshotCommand({ ClusterName: t.fact.id, SnapshotName: name, Tags: tagList(tags) }))).Snapshot);
    } catch (err) {
      if (awsErrorName(err) === "ClusterNotFoundFault") throw notFound(t);
      throw err;
    }
  },
  async describe(t, name) {
    try {
      return status((await client(t).send(new DescribeSnapshotsCommand({ SnapshotName: name, ShowDetail: true }))).Snapshots?.[0]);
    } catch (err) {
      if (awsErrorName(err) === "SnapshotNotFoundFault") return { state: "missing" };
      throw err;
    }
  },
  async list(t) {
    const out = [];
    let token: string | undefined;
    do {
      const r = await client(t).send(new DescribeSnapshotsCommand({ ClusterName: t.fact.id, Source: "manual", ShowDetail: true, NextToken: token }));
      for (const s of r.Snapshots ?? []) {
        const tags = await client(t).send(new ListTagsCommand({ ResourceArn: s.ARN }));
        out.push({ name: s.Name!, createdAt: s.ClusterConfiguration?.Shards?.[0]?.SnapshotCreationTime, tags: tagRecord(tags.TagList) });
      }
      token = r.NextToken;
    } while (token);
    return out;
  },
  async delete(t, name) {
    await client(t).send(new DeleteSnapshotCommand({ SnapshotName: name }));
  },
  async restore(t, name, restoredId, tags) {
    const live = await liveCluster(t);
    await client(t).send(
      new CreateClusterCommand({
        ClusterName: restoredId,
        SnapshotName: name,
        NodeType: live.NodeType,
        Engine: live.Engine,
        EngineVersion: live.EngineVersion,
        ACLName: live.ACLName,
        SubnetGroupName: live.SubnetGroupName,
        SecurityGroupIds: (live.SecurityGroups ?? []).map((g) => g.SecurityGroupId!),
        ParameterGroupName: live.ParameterGroupName,
        NumReplicasPerShard: 0,
        TLSEnabled: true,
        KmsKeyId: live.KmsKeyId,
        Tags: tagList(tags),
      }),
    );
  },
  async describeRestored(t, restoredId) {
    try {
      const c = (await client(t).send(new DescribeClustersCommand({ ClusterName: restoredId }))).Clusters?.[0];
      if (!c) return { state: "missing" };
      const e = c.ClusterEndpoint;
      return { state: stateOf(c.Status, PENDING), endpoint: e?.Address ? `${e.Address}:${e.Port}` : undefined, detail: c.Status };
    } catch (err) {
      if (awsErrorName(err) === "ClusterNotFoundFault") return { state: "missing" };
      throw err;
    }
  },
  switchSteps(t, restoredId, endpoint) {
    return [
      `check the keys on ${endpoint} (same ACL as ${t.fact.id}: same users and passwords)`,
      `stop the applications' writes, then point them at ${endpoint} (${addressVars(t.kind)} in their connection secret; cluster mode as before)`,
      `${restoredId} has no replicas and is not in the Pulumi stack: add replicas if needed, import it (pulumi import) or delete it when you move back`,
    ];
  },
};
