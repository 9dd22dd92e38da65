/**
 * DocumentDB: `CreateDBClusterSnapshot` of the cluster, restored with
 * `RestoreDBClusterFromSnapshot` into a NEW cluster beside the live one (same subnet group,
 * security groups, cluster parameter group, KMS key) plus one instance of the live primary's
 * class (a DocumentDB cluster answers only once it has an instance).
 */
import {
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  DeleteDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DocDBClient,
  ListTagsForResourceCommand,
  RestoreDBClusterFromSnapshotCommand,
  type DBClusterSnapshot,
} from "@aws-sdk/client-docdb";
import { awsErrorName, stateOf, tagList, tagRecord, UnknownResourceError, type ManagedAdapter, type ManagedTarget, type SnapshotStatus, addressVars } from "./types";

const client = (t: ManagedTarget) => new DocDBClient({ region: t.fact.region });
const PENDING_SNAPSHOT = ["creating", "pending", "copying"];
const PENDING_CLUSTER = ["creating", "backing-up", "modifying", "migrating", "resetting-master-credentials", "starting"];

function status(s: DBClusterSnapshot | undefined): SnapshotStatus {
  if (!s) return { state: "missing" };
  return {
    state: stateOf(s.Status, PENDING_SNAPSHOT),
    arn: s.DBClusterSnapshotArn,
    engineVersion: s.Engine && s.EngineVersion ? `${s.Engine} ${s.EngineVersion}` : undefined,
    createdAt: s.SnapshotCreateTime,
    detail: s.Status,
  };
}

const notFound = (t: ManagedTarget) => new UnknownResourceError(t, "DocumentDB cluster", "DBClusterNotFound");

export const docdbAdapter: ManagedAdapter = {
  service: "docdb",
  noun: "DocumentDB cluster snapshot",
  maxName: 63,
  maxRestoredId: 63,
  async create(t, name, tags) {
    try {
      const r = await client(t).send(new CreateDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: name, DBClusterIdentifier: t.fact.id, Tags: tagList(tags) }));
      return status(r.DBClusterSnapshot);
    } catch (err) {
      if (awsErrorName(err) === "DBClusterNotFoundFault") throw notFound(t);
      throw err;
    }
  },
  async describe(t, name) {
    try {
      const r = await client(t).send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: name }));
      return status(r.DBClusterSnapshots?.[0]);
    } catch (err) {
      if (awsErrorName(err) === "DBClusterSnapshotNotFoundFault") return { state: "missing" };
      throw err;
    }
  },
  async list(t) {
    const out = [];
    let marker: string | undefined;
    do {
      const r = await client(t).send(new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: t.fact.id, SnapshotType: "manual", Marker: marker }));
      for (const s of r.DBClusterSnapshots ?? []) {
        const tags = await client(t).send(new ListTagsForResourceCommand({ ResourceName: s.DBClusterSnapshotArn }));
        out.push({ name: s.DBClusterSnapshotIdentifier!, createdAt: s.SnapshotCreateTime, tags: tagRecord(tags.TagList) });
      }
      marker = r.Marker;
    } while (marker);
    return out;
  },
  async delete(t, name) {
    await client(t).send(new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: name }));
  },
  async restore(t, name, restoredId, tags) {
    let live;
    try {
      live = (await client(t).send(new DescribeDBClustersCommand({ DBClusterIdentifier: t.fact.id }))).DBClusters![0]!;
    } catch (err) {
      if (awsErrorName(err) === "DBClusterNotFoundFault") throw notFound(t);
      throw err;
    }
    const primary = live.DBClusterMembers?.find((m) => m.IsClusterWriter) ?? live.DBClusterMembers?.[0];
    const instance = primary ? (await client(t).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: primary.DBInstanceIdentifier }))).DBInstances?.[0] : undefined;
    await client(t).send(
      new RestoreDBClusterFromSnapshotCommand({
        DBClusterIdentifier: restoredId,
        SnapshotIdentifier: name,
        Engine: "docdb",
        DBSubnetGroupName: live.DBSubnetGroup,
        VpcSecurityGroupIds: (live.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId!),
        DBClusterParameterGroupName: live.DBClusterParameterGroup,
        KmsKeyId: live.KmsKeyId,
        DeletionProtection: false,
        Tags: tagList(tags),
      }),
    );
    await client(t).send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: `${restoredId.slice(0, 61)}-1`,
        DBClusterIdentifier: restoredId,
        Engine: "docdb",
        DBInstanceClass: instance?.DBInstanceClass ?? "db.t4g.medium",
        Tags: tagList(tags),
      }),
    );
  },
  async describeRestored(t, restoredId) {
    try {
      const c = (await client(t).send(new DescribeDBClustersCommand({ DBClusterIdentifier: restoredId }))).DBClusters?.[0];
      if (!c) return { state: "missing" };
      const members = c.DBClusterMembers ?? [];
      let state = stateOf(c.Status, PENDING_CLUSTER);
      if (state === "available" && members.length) {
        const i = (await client(t).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: members[0]!.DBInstanceIdentifier }))).DBInstances?.[0];
        state = stateOf(i?.DBInstanceStatus, ["creating", "backing-up", "modifying", "configuring-log-exports"]);
      } else if (state === "available") state = "creating";
      return { state, endpoint: c.Endpoint ? `${c.Endpoint}:${c.Port}` : undefined, detail: c.Status };
    } catch (err) {
      if (awsErrorName(err) === "DBClusterNotFoundFault") return { state: "missing" };
      throw err;
    }
  },
  switchSteps(t, restoredId, endpoint) {
    return [
      `check the data on ${endpoint} (same master user and password as ${t.fact.id}; users are inside the snapshot)`,
      `stop the applications' writes, then point them at ${endpoint} (${addressVars(t.kind)} in their connection secret)`,
      `${restoredId} (and its instance ${restoredId.slice(0, 61)}-1) is not in the Pulumi stack: import it (pulumi import) or delete both when you move back`,
    ];
  },
};
