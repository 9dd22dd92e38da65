import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { AWS } from "./aws-types";
import { known, label, must, settings } from "./util";

/** Cluster instances that belong to a cluster (by property dependency, else by identifier). */
function members(cluster: PolicyResource, instanceType: string, resources: PolicyResource[]): PolicyResource[] {
  const ids = [known(() => cluster.props.clusterIdentifier), known(() => cluster.props.id)].filter((x) => typeof x === "string");
  return resources.filter(
    (r) =>
      r.type === instanceType &&
      ((r.propertyDependencies?.clusterIdentifier ?? []).some((d) => d.urn === cluster.urn) || ids.includes(known(() => r.props.clusterIdentifier))),
  );
}

/**
 * Production databases survive the loss of one availability zone: RDS
 * multiAz; Aurora/DocumentDB clusters with at least `minInstances`
 * instances; ElastiCache with a replica, automatic failover and Multi-AZ;
 * MemoryDB with a replica per shard; OpenSearch zone-aware with 2+ nodes.
 */
export const awsHighAvailability: StackValidationPolicy = {
  name: "aws-high-availability",
  description: "Managed databases must be Multi-AZ with automatic failover (RDS multiAz, 2+ cluster instances, ElastiCache/MemoryDB replicas, zone-aware OpenSearch).",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: {
    properties: { minInstances: { type: "integer", minimum: 2, default: 2, description: "Minimum instances/nodes per cluster." } },
  },
  validateStack: (args, report) => {
    const { minInstances } = settings(args, { minInstances: 2 });
    let seen = 0;
    for (const r of args.resources) {
      const say = (problem: string, fix: string) => report(must(`${label(r.type, r.name)}: ${problem}`, fix), r.urn);
      const p = r.props;
      switch (r.type) {
        case AWS.rdsInstance:
          seen++;
          if (known(() => p.multiAz, true) !== true) say("multiAz is not true", "set multiAz: true (a synchronous standby in another AZ with automatic failover)");
          continue;
        case AWS.rdsCluster:
        case AWS.docdbCluster: {
          seen++;
          const type = r.type === AWS.rdsCluster ? AWS.rdsClusterInstance : AWS.docdbClusterInstance;
          const n = members(r, type, args.resources).length;
          if (n < minInstances) say(`has ${n} cluster instance${n === 1 ? "" : "s"}, fewer than ${minInstances}`, `create ${minInstances} ClusterInstances (in different AZs) for it`);
          continue;
        }
        case AWS.cacheReplicationGroup: {
          seen++;
          const problems: string[] = [];
          if (known(() => p.automaticFailoverEnabled, true) !== true) problems.push("automaticFailoverEnabled is not true");
          if (known(() => p.multiAzEnabled, true) !== true) problems.push("multiAzEnabled is not true");
          const nodes = known(() => p.numCacheClusters, 2);
          const replicas = known(() => p.replicasPerNodeGroup, 1);
          // numCacheClusters (non-cluster mode) wins; otherwise replicasPerNodeGroup (cluster mode); AWS defaults to one node.
          const hasReplica = typeof nodes === "number" ? nodes >= 2 : typeof replicas === "number" && replicas >= 1;
          if (!hasReplica) problems.push("it has no replica");
          if (problems.length) say(problems.join(", "), "set numCacheClusters: 2 (or replicasPerNodeGroup: 1), automaticFailoverEnabled: true and multiAzEnabled: true");
          continue;
        }
        case AWS.memorydbCluster: {
          seen++;
          const replicas = known(() => p.numReplicasPerShard, 1);
          if (typeof replicas === "number" && replicas < 1) say("numReplicasPerShard is 0", "set numReplicasPerShard: 1 or more");
          continue;
        }
        case AWS.opensearchDomain:
        case AWS.elasticsearchDomain: {
          seen++;
          const cc = (known(() => p.clusterConfig) ?? {}) as Record<string, unknown>;
          const count = known(() => cc.instanceCount, minInstances);
          const problems: string[] = [];
          if (known(() => cc.zoneAwarenessEnabled, true) !== true) problems.push("clusterConfig.zoneAwarenessEnabled is not true");
          if (!(typeof count === "number" && count >= minInstances)) problems.push(`clusterConfig.instanceCount is ${count ?? "1"}, fewer than ${minInstances}`);
          if (problems.length) say(problems.join(", "), `set clusterConfig { instanceCount: ${minInstances}, zoneAwarenessEnabled: true, zoneAwarenessConfig: { availabilityZoneCount: 2 } } with subnets in 2 AZs`);
          continue;
        }
      }
    }
    if (seen === 0) args.notApplicable("no AWS managed database in this stack");
  },
};
