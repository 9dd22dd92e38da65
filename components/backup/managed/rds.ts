/**
 * RDS for PostgreSQL: `CreateDBSnapshot` of the DB instance (a manual snapshot, kept until
 * deleted), restored with `RestoreDBInstanceFromDBSnapshot` into a NEW instance beside the live
 * one, in the same DB subnet group, security groups and parameter group, same class.
 */
import {
  CreateDBSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
  RestoreDBInstanceFromDBSnapshotCommand,
  type DBSnapshot,
} from "@aws-sdk/client-rds";
import { awsErrorName, stateOf, tagList, tagRecord, UnknownResourceError, type ManagedAdapter, type ManagedTarget, type SnapshotStatus, addressVars } from "./types";

const client = (t: ManagedTarget) => new RDSClient({ region: t.fact.region });
const PENDING_SNAPSHOT = ["creating", "pending", "copying"];
const PENDING_INSTANCE = ["creating", "backing-up", "modifying", "rebooting", "starting", "configuring-enhanced-monitoring", "configuring-log-exports", "storage-optimization"];

function status(s: DBSnapshot | undefined): SnapshotStatus {
  if (!s) return { state: "missing" };
  return {
    state: stateOf(s.Status, PENDING_SNAPSHOT),
    arn: s.DBSnapshotArn,
    engineVersion: s.Engine && s.EngineVersion ? `${s.Engine} ${s.EngineVersion}` : undefined,
    createdAt: s.SnapshotCreateTime,
    detail: s.Status,
  };
}

async function liveInstance(t: ManagedTarget) {
  try {
    const r = await client(t).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: t.fact.id }));
    return r.DBInstances![0]!;
  } catch (err) {
    if (awsErrorName(err) === "DBInstanceNotFoundFault") throw new UnknownResourceError(t, "RDS DB instance", "DBInstanceNotFound");
    throw err;
  }
}

export const rdsAdapter: ManagedAdapter = {
  service: "rds",
  noun: "RDS DB snapshot",
  maxName: 255,
  maxRestoredId: 63,
  async create(t, name, tags) {
    try {
      const r = await client(t).send(new CreateDBSnapshotCommand({ DBSnapshotIdentifier: name, DBInstanceIdentifier: t.fact.id, Tags: tagList(tags) }));
      return status(r.DBSnapshot);
    } catch (err) {
      if (awsErrorName(err) === "DBInstanceNotFoundFault") throw new UnknownResourceError(t, "RDS DB instance", "DBInstanceNotFound");
      throw err;
    }
  },
  async describe(t, name) {
    try {
      const r = await client(t).send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: name }));
      return status(r.DBSnapshots?.[0]);
    } catch (err) {
      if (awsErrorName(err) === "DBSnapshotNotFoundFault") return { state: "missing" };
      throw err;
    }
  },
  async list(t) {
    const out = [];
    let marker: string | undefined;
    do {
      const r = await client(t).send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: t.fact.id, SnapshotType: "manual", Marker: marker }));
      for (const s of r.DBSnapshots ?? []) out.push({ name: s.DBSnapshotIdentifier!, createdAt: s.SnapshotCreateTime, tags: tagRecord(s.TagList) });
      marker = r.Marker;
    } while (marker);
    return out;
  },
  async delete(t, name) {
    await client(t).send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: name }));
  },
  async restore(t, name, restoredId, tags) {
    const live = await liveInstance(t);
    await client(t).send(
      new RestoreDBInstanceFromDBSnapshotCommand({
        DBInstanceIdentifier: restoredId,
        DBSnapshotIdentifier: name,
        DBInstanceClass: live.DBInstanceClass,
        DBSubnetGroupName: live.DBSubnetGroup?.DBSubnetGroupName,
        VpcSecurityGroupIds: (live.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId!),
        DBParameterGroupName: live.DBParameterGroups?.[0]?.DBParameterGroupName,
        MultiAZ: live.MultiAZ,
        PubliclyAccessible: false,
        CopyTagsToSnapshot: true,
        DeletionProtection: false,
        Tags: tagList(tags),
      }),
    );
  },
  async describeRestored(t, restoredId) {
    try {
      const r = await client(t).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: restoredId }));
      const i = r.DBInstances?.[0];
      if (!i) return { state: "missing" };
      return { state: stateOf(i.DBInstanceStatus, PENDING_INSTANCE), endpoint: i.Endpoint?.Address ? `${i.Endpoint.Address}:${i.Endpoint.Port}` : undefined, detail: i.DBInstanceStatus };
    } catch (err) {
      if (awsErrorName(err) === "DBInstanceNotFoundFault") return { state: "missing" };
      throw err;
    }
  },
  switchSteps(t, restoredId, endpoint) {
    return [
      `check the data on ${endpoint} (same master user and password as ${t.fact.id}; roles are cluster-wide and inside the snapshot)`,
      `stop the applications' writes, then point them at ${endpoint} (${addressVars(t.kind)} in their connection secret)`,
      `${restoredId} is not in the Pulumi stack: keep ${t.fact.id} until you are sure, then either import ${restoredId} (pulumi import) or delete it when you move back`,
    ];
  },
};
