/**
 * Every policy of the pack: a compliant stack passes, and breaking ONE
 * property of it produces a violation that says what is wrong.
 */
import { describe, expect, it } from "vitest";
import { POLICIES } from "../../../policies/pack";
import type { Policy } from "../../../policies/offline/run";
import { broken, check, named, type Res } from "./harness";
import * as F from "./fixtures";
import { T } from "./fixtures";

/** One way to break a compliant stack, and a substring the violation must contain. */
type Break = [description: string, change: (rs: Res[]) => void, expected: string | RegExp];

interface Case {
  /** Compliant resources for this policy. */
  compliant: () => Res[];
  breaks: Break[];
  /** Extra compliant variants (each must pass too). */
  alsoCompliant?: Array<[description: string, change: (rs: Res[]) => void]>;
  config?: Record<string, unknown>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const container = (rs: Res[]) => named(rs, "redis-container").props as Any;
const sts = (rs: Res[], name = "neo4j-statefulset") => (named(rs, name).props as Any).spec.template.spec;

const CASES: Record<string, Case> = {
  "pinned-images": {
    compliant: () => [...F.dockerRedis(), ...F.k8sNeo4j()],
    alsoCompliant: [
      ["a digest reference", (rs) => (named(rs, "redis-image").props.name = `redis@sha256:${"a".repeat(64)}`)],
      ["a registry with a port and a tag", (rs) => (named(rs, "redis-image").props.name = "registry.example.com:5000/team/redis:7.4.1")],
    ],
    breaks: [
      ["RemoteImage redis:latest", (rs) => (named(rs, "redis-image").props.name = "redis:latest"), "moving tag latest"],
      ["RemoteImage without a tag", (rs) => (named(rs, "redis-image").props.name = "redis"), "has no tag"],
      ["registry:port/name without a tag", (rs) => (named(rs, "redis-image").props.name = "registry.example.com:5000/team/redis"), "has no tag"],
      ["a container given an image name with latest", (rs) => (container(rs).image = "redis:latest"), "Container redis-container"],
      ["a StatefulSet container without a tag", (rs) => (sts(rs).containers[0].image = "neo4j"), "container neo4j: image neo4j has no tag"],
      ["a StatefulSet init container on latest", (rs) => (sts(rs).initContainers[0].image = "busybox:latest"), "init container fix-perms"],
    ],
  },
  "patched-images": {
    compliant: () => [...F.dockerRedis(), ...F.k8sNeo4j()],
    alsoCompliant: [
      ["a later patch release", (rs) => (named(rs, "redis-image").props.name = "redis:7.4.12-alpine")],
      ["another release line (no advisory known for it)", (rs) => (named(rs, "redis-image").props.name = "redis:8.2.1")],
      ["a digest reference", (rs) => (named(rs, "redis-image").props.name = `redis@sha256:${"a".repeat(64)}`)],
    ],
    breaks: [
      ["RemoteImage redis:7.4.1-alpine (before the CVE-2025-49844 fix)", (rs) => (named(rs, "redis-image").props.name = "redis:7.4.1-alpine"), /RemoteImage redis-image: image redis:7\.4\.1-alpine is older than 7\.4\.6, the minimum patched redis 7\.4 release \(CVE-2025-49844/],
      ["a StatefulSet container on neo4j 5.26.0", (rs) => (sts(rs).containers[0].image = "neo4j:5.26.0-community"), "container neo4j: image neo4j:5.26.0-community is older than 5.26.29"],
    ],
  },
  "container-memory-limits": {
    compliant: () => [...F.dockerRedis(), ...F.k8sNeo4j()],
    breaks: [
      ["Docker memory 0", (rs) => (container(rs).memory = 0), "redis-container: no memory limit"],
      ["Docker memory unset", (rs) => delete container(rs).memory, "no memory limit"],
      ["a pod container without limits", (rs) => delete sts(rs).containers[0].resources.limits, "container neo4j: no memory limit"],
      ["an init container without limits", (rs) => delete sts(rs).initContainers[0].resources, "init container fix-perms: no memory limit"],
    ],
  },
  "container-health-checks": {
    compliant: () => [
      ...F.dockerRedis(),
      ...F.k8sNeo4j(),
      // A Job runs to completion: no probes needed.
      { type: T.job, name: "init-job", props: { spec: { template: { spec: { containers: [{ name: "init", image: "runner:0.1.0", resources: { limits: { memory: "256Mi" } } }] } } } } },
    ],
    breaks: [
      ["Docker healthcheck removed", (rs) => delete container(rs).healthcheck, "redis-container: no healthcheck"],
      ["Docker healthcheck NONE", (rs) => (container(rs).healthcheck.tests = ["NONE"]), "no healthcheck"],
      ["no readinessProbe", (rs) => delete sts(rs).containers[0].readinessProbe, "no readinessProbe"],
      ["no livenessProbe", (rs) => delete sts(rs).containers[0].livenessProbe, "no livenessProbe"],
    ],
  },
  "database-ports-loopback": {
    compliant: () => [
      ...F.dockerRedis(),
      { type: T.service, name: "neo4j-service", props: { spec: { type: "ClusterIP", ports: [{ port: 7687, targetPort: 7687 }] } } },
      { type: T.container, name: "web", props: { image: "nginx:1.27.2", memory: 64, healthcheck: { tests: ["CMD", "true"] }, ports: [{ internal: 8080, external: 8080, ip: "0.0.0.0" }] } },
    ],
    alsoCompliant: [["an address listed in allowedBindAddresses", (rs) => (container(rs).ports[0].ip = "10.8.0.1")]],
    config: { allowedBindAddresses: ["10.8.0.1"] },
    breaks: [
      ["bound to 0.0.0.0", (rs) => (container(rs).ports[0].ip = "0.0.0.0"), "database port 6379 is published on 0.0.0.0:6379"],
      ["no ip (Docker's default 0.0.0.0)", (rs) => delete container(rs).ports[0].ip, "published on 0.0.0.0"],
      ["bound to a LAN address", (rs) => (container(rs).ports[0].ip = "192.168.1.10"), "published on 192.168.1.10"],
      ["a LoadBalancer service on the Bolt port", (rs) => ((named(rs, "neo4j-service").props as Any).spec.type = "LoadBalancer"), "LoadBalancer service exposes database port 7687"],
    ],
  },
  "redis-requires-password": {
    compliant: () => [...F.dockerRedis(), ...F.k8sRedis(), ...F.elasticache(), ...F.memorydb()],
    alsoCompliant: [
      ["ElastiCache RBAC user group instead of a token", (rs) => {
        delete (named(rs, "redis-rg").props as Any).authToken;
        (named(rs, "redis-rg").props as Any).userGroupIds = ["polystore-prod-users"];
      }],
      ["an ACL file", (rs) => (container(rs).command = ["redis-server", "--aclfile", "/etc/redis/users.acl"])],
    ],
    breaks: [
      ["no --requirepass", (rs) => (container(rs).command = ["redis-server", "--maxmemory", "512mb"]), "without --requirepass"],
      ["--requirepass of a variable the container lacks", (rs) => (container(rs).envs = []), "REDIS_PASSWORD is not in the container's environment"],
      ["Kubernetes env var missing", (rs) => (sts(rs, "redis-statefulset").containers[0].env = []), "REDIS_PASSWORD is not in the container's environment"],
      ["ElastiCache without authToken or user groups", (rs) => delete (named(rs, "redis-rg").props as Any).authToken, "no authToken and no userGroupIds"],
      ["MemoryDB open-access ACL", (rs) => ((named(rs, "redis-cluster").props as Any).aclName = "open-access"), "open-access"],
      ["a single-node ElastiCache cluster", (rs) => rs.push({ type: T.cacheCluster, name: "redis-single", props: { engine: "redis", nodeType: "cache.t4g.micro" } }), "cannot require AUTH"],
    ],
  },
  "redis-eviction-policy": {
    compliant: () => [...F.dockerRedis(), ...F.k8sRedis(), ...F.elasticache(), ...F.memorydb()],
    breaks: [
      ["no --maxmemory", (rs) => (container(rs).command = container(rs).command.filter((a: string, i: number, all: string[]) => a !== "--maxmemory" && all[i - 1] !== "--maxmemory")), "no --maxmemory"],
      ["--maxmemory 0", (rs) => (container(rs).command[container(rs).command.indexOf("--maxmemory") + 1] = "0"), "--maxmemory 0 is not a positive size"],
      ["noeviction", (rs) => (container(rs).command[container(rs).command.indexOf("--maxmemory-policy") + 1] = "noeviction"), "--maxmemory-policy noeviction is not allowed"],
      ["no --maxmemory-policy (Kubernetes)", (rs) => (sts(rs, "redis-statefulset").containers[0].args = ["--requirepass", "$(REDIS_PASSWORD)", "--maxmemory", "512mb"]), "no --maxmemory-policy"],
      ["ElastiCache on the default parameter group", (rs) => {
        const rg = named(rs, "redis-rg");
        (rg.props as Any).parameterGroupName = "default.redis7";
        rg.deps = {};
      }, "default parameter group default.redis7"],
      ["ElastiCache group without maxmemory-policy", (rs) => ((named(rs, "redis-params").props as Any).parameters = []), "does not set maxmemory-policy"],
      ["MemoryDB group with noeviction (found by name)", (rs) => ((named(rs, "redis-mdb-params").props as Any).parameters = [{ name: "maxmemory-policy", value: "noeviction" }]), "sets maxmemory-policy noeviction"],
    ],
  },
  "no-plaintext-credentials": {
    compliant: () => [
      ...F.dockerRedis(),
      ...F.k8sNeo4j(),
      ...F.rdsPostgres(),
      { type: T.k8sSecret, name: "neo4j-auth", props: { stringData: { NEO4J_AUTH: "neo4j/generated" } }, additionalSecretOutputs: ["data", "stringData"] },
      {
        type: T.dotenv,
        name: "env-file",
        props: { path: ".env.dev", content: "# redis\nREDIS_URL=redis://app:generatedpw@127.0.0.1:6379/0\nREDIS_PASSWORD=generatedpw\n" },
        additionalSecretOutputs: ["content"],
        secrets: ["content"],
        deps: { content: ["redis-admin-password"] },
      },
      { type: T.stack, name: "polystore-dev", props: { stores: { redis: { host: "127.0.0.1", port: 6379 } }, env: { REDIS_PASSWORD: "generatedpw" } }, secrets: ["env"] },
    ],
    breaks: [
      ["a hard-coded container password (no secret, no generated source)", (rs) => {
        named(rs, "redis-container").deps = {};
        named(rs, "redis-container").secrets = [];
      }, /credential in envs \(REDIS_PASSWORD\) not a Pulumi secret/],
      ["a secret container password the engine cannot see as secret", (rs) => (named(rs, "redis-container").deps = {}), 'no additionalSecretOutputs "envs"'],
      ["a password on the command line", (rs) => container(rs).command.push("--requirepass", "hunter2hunter2"), "credential in command (--requirepass) on a command line"],
      ["a literal pod-spec env password", (rs) => (sts(rs).containers[0].env[0] = { name: "NEO4J_AUTH", value: "neo4j/hunter2" }), "as a literal pod-spec env value"],
      ["a connection URL in a ConfigMap", (rs) => rs.push({ type: T.configMap, name: "app-config", props: { data: { DATABASE_URL: "postgresql://app:hunter2@db:5432/app" } } }), "in a ConfigMap"],
      ["an RDS password not declared secret", (rs) => (named(rs, "postgres-db").additionalSecretOutputs = []), "credential in password (password)"],
      ["a stack output with a password, not secret", (rs) => (named(rs, "polystore-dev").secrets = []), "Stack polystore-dev: credential in env (REDIS_PASSWORD) not a Pulumi secret"],
      ["a store component's admin credentials, not secret", (rs) => (named(rs, "redis").secrets = []), "RedisStore redis: credential in adminCredentials"],
      ["an OpenSearch master password typed in", (rs) => {
        const d = F.opensearch()[0];
        (d.props as Any).advancedSecurityOptions = { enabled: true, masterUserOptions: { masterUserName: "admin", masterUserPassword: "hunter2hunter2" } };
        rs.push(d);
      }, "credential in advancedSecurityOptions (masterUserPassword)"],
    ],
  },
  "connection-secrets-written": {
    compliant: () => [
      ...F.store("postgres"),
      ...F.store("redis"),
      { type: T.dotenv, name: "env-file", props: { path: ".env.dev", sha256: "0".repeat(64) }, deps: { content: ["postgres-admin-password", "redis-admin-password"] } },
    ],
    alsoCompliant: [
      ["an AWS secret tagged polystore:stores (marker)", (rs) => {
        named(rs, "env-file").deps = { content: ["postgres-admin-password"] };
        rs.push({ type: T.secret, name: "redis-secret", props: { name: "polystore/prod/redis", tags: { "polystore:stores": "redis" } } });
        rs.push({ type: T.secretVersion, name: "redis-secret-version", props: { secretString: "{}" }, deps: { secretId: ["redis-secret"] } });
      }],
      ["a Kubernetes Secret labelled polystore.io/stores=postgres.redis (marker; label values allow no commas)", (rs) => {
        rs.splice(rs.findIndex((r) => r.name === "env-file"), 1);
        rs.push({ type: T.k8sSecret, name: "polystore-connections", props: { metadata: { labels: { "polystore.io/stores": "postgres.redis" } } }, additionalSecretOutputs: ["data", "stringData"] });
      }],
      ["a Kubernetes Secret whose keys name the store's URL variable (content)", (rs) => {
        named(rs, "env-file").deps = { content: ["postgres-admin-password"] };
        rs.push({ type: T.k8sSecret, name: "app-secret", props: { stringData: { REDIS_URL: "redis://app:x@redis:6379/0" } }, additionalSecretOutputs: ["stringData"] });
      }],
    ],
    breaks: [
      ["no sink at all", (rs) => rs.splice(rs.findIndex((r) => r.name === "env-file"), 1), "store postgres: its connection secret (DATABASE_URL) is not written"],
      ["a .env file that leaves out redis", (rs) => (named(rs, "env-file").deps = { content: ["postgres-admin-password"] }), "store redis: its connection secret (REDIS_URL) is not written"],
    ],
  },
  "aws-storage-encrypted": {
    compliant: () => [...F.rdsPostgres(), ...F.docdb(), ...F.elasticache(), ...F.opensearch()],
    alsoCompliant: [["a read replica (inherits the source's encryption)", (rs) => {
      const p = named(rs, "postgres-db").props as Any;
      delete p.storageEncrypted;
      p.replicateSourceDb = "polystore-prod-postgres";
    }]],
    breaks: [
      ["RDS unencrypted", (rs) => ((named(rs, "postgres-db").props as Any).storageEncrypted = false), "Instance postgres-db: storageEncrypted is not true"],
      ["DocumentDB encryption unset", (rs) => delete (named(rs, "mongodb-cluster").props as Any).storageEncrypted, "Cluster mongodb-cluster: storageEncrypted is not true"],
      ["ElastiCache at rest off", (rs) => ((named(rs, "redis-rg").props as Any).atRestEncryptionEnabled = false), "atRestEncryptionEnabled is not true"],
      ["OpenSearch at rest off", (rs) => ((named(rs, "elasticsearch-domain").props as Any).encryptAtRest = { enabled: false }), "encryptAtRest.enabled is not true"],
    ],
  },
  "aws-backup-retention": {
    compliant: () => [...F.rdsPostgres(), ...F.docdb(), ...F.elasticache(), ...F.memorydb()],
    breaks: [
      ["RDS keeps 1 day", (rs) => ((named(rs, "postgres-db").props as Any).backupRetentionPeriod = 1), "backupRetentionPeriod is 1, below 7 days"],
      ["RDS retention unset", (rs) => delete (named(rs, "postgres-db").props as Any).backupRetentionPeriod, "backupRetentionPeriod is unset"],
      ["RDS skips the final snapshot", (rs) => ((named(rs, "postgres-db").props as Any).skipFinalSnapshot = true), "skipFinalSnapshot is true"],
      ["DocumentDB keeps 3 days", (rs) => ((named(rs, "mongodb-cluster").props as Any).backupRetentionPeriod = 3), "below 7 days"],
      ["ElastiCache without snapshots", (rs) => ((named(rs, "redis-rg").props as Any).snapshotRetentionLimit = 0), "snapshotRetentionLimit is 0"],
      ["MemoryDB retention unset", (rs) => delete (named(rs, "redis-cluster").props as Any).snapshotRetentionLimit, "snapshotRetentionLimit is unset"],
    ],
  },
  "aws-deletion-protection": {
    compliant: () => [...F.rdsPostgres(), ...F.docdb(), ...F.elasticache(), ...F.memorydb(), ...F.opensearch()],
    breaks: [
      ["RDS deletionProtection false", (rs) => ((named(rs, "postgres-db").props as Any).deletionProtection = false), "deletionProtection is not true"],
      ["DocumentDB deletionProtection unset", (rs) => delete (named(rs, "mongodb-cluster").props as Any).deletionProtection, "Cluster mongodb-cluster: deletionProtection is not true"],
      ["MemoryDB not protected", (rs) => (named(rs, "redis-cluster").protect = false), "Cluster redis-cluster: AWS has no deletion protection for it and the resource is not protected"],
      ["OpenSearch not protected", (rs) => (named(rs, "elasticsearch-domain").protect = false), "Domain elasticsearch-domain: AWS has no deletion protection"],
    ],
  },
  "aws-not-publicly-accessible": {
    compliant: () => [...F.rdsPostgres(), ...F.opensearch()],
    breaks: [
      ["RDS publiclyAccessible", (rs) => ((named(rs, "postgres-db").props as Any).publiclyAccessible = true), "publiclyAccessible is true"],
      ["OpenSearch outside a VPC", (rs) => delete (named(rs, "elasticsearch-domain").props as Any).vpcOptions, "no vpcOptions.subnetIds"],
    ],
  },
  "aws-no-public-database-ingress": {
    compliant: () => F.securityGroups(),
    breaks: [
      ["inline ingress 0.0.0.0/0 to 5432", (rs) => ((named(rs, "postgres-sg").props as Any).ingress[0].cidrBlocks = ["0.0.0.0/0"]), "ingress[0] allows 0.0.0.0/0 on ports 5432-5432, which includes database port 5432"],
      ["inline ingress ::/0 to 5432", (rs) => ((named(rs, "postgres-sg").props as Any).ingress[0].ipv6CidrBlocks = ["::/0"]), "allows ::/0"],
      ["inline ingress all protocols from anywhere", (rs) => ((named(rs, "postgres-sg").props as Any).ingress[1] = { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }), "ingress[1] allows 0.0.0.0/0 on all ports"],
      ["SecurityGroupRule 0.0.0.0/0 to 6379", (rs) => ((named(rs, "redis-from-vpc").props as Any).cidrBlocks = ["0.0.0.0/0"]), "SecurityGroupRule redis-from-vpc: allows 0.0.0.0/0"],
      ["SecurityGroupIngressRule 0.0.0.0/0 on a range", (rs) => Object.assign(named(rs, "mongodb-from-vpc").props, { cidrIpv4: "0.0.0.0/0", fromPort: 27000, toPort: 28000 }), "includes database port 27017"],
    ],
  },
  "aws-tls-in-transit": {
    compliant: () => [...F.rdsPostgres(), ...F.docdb(), ...F.elasticache(), ...F.memorydb(), ...F.opensearch()],
    alsoCompliant: [["RDS PostgreSQL 16 on its default group (rds.force_ssl=1 by default)", (rs) => {
      (named(rs, "postgres-db").props as Any).parameterGroupName = "default.postgres16";
      named(rs, "postgres-db").deps = {};
    }]],
    breaks: [
      ["rds.force_ssl=0", (rs) => ((named(rs, "postgres-params").props as Any).parameters = [{ name: "rds.force_ssl", value: "0" }]), "sets rds.force_ssl=0"],
      ["PostgreSQL 14's default group", (rs) => {
        (named(rs, "postgres-db").props as Any).parameterGroupName = "default.postgres14";
        named(rs, "postgres-db").deps = {};
      }, "default group default.postgres14, where rds.force_ssl is off"],
      ["DocumentDB tls disabled", (rs) => ((named(rs, "mongodb-params").props as Any).parameters = [{ name: "tls", value: "disabled" }]), "sets tls=disabled"],
      ["ElastiCache without transit encryption", (rs) => ((named(rs, "redis-rg").props as Any).transitEncryptionEnabled = false), "transitEncryptionEnabled is not true"],
      ["ElastiCache transit mode preferred", (rs) => ((named(rs, "redis-rg").props as Any).transitEncryptionMode = "preferred"), "transitEncryptionMode is preferred"],
      ["MemoryDB without TLS", (rs) => ((named(rs, "redis-cluster").props as Any).tlsEnabled = false), "tlsEnabled is false"],
      ["OpenSearch without enforced HTTPS", (rs) => ((named(rs, "elasticsearch-domain").props as Any).domainEndpointOptions.enforceHttps = false), "enforceHttps is not true"],
      ["OpenSearch allowing TLS 1.0", (rs) => ((named(rs, "elasticsearch-domain").props as Any).domainEndpointOptions.tlsSecurityPolicy = "Policy-Min-TLS-1-0-2019-07"), "tlsSecurityPolicy is Policy-Min-TLS-1-0-2019-07"],
      ["OpenSearch without node-to-node encryption", (rs) => ((named(rs, "elasticsearch-domain").props as Any).nodeToNodeEncryption = { enabled: false }), "nodeToNodeEncryption.enabled is not true"],
    ],
  },
  "aws-high-availability": {
    compliant: () => [...F.rdsPostgres(), ...F.docdb(), ...F.elasticache(), ...F.memorydb(), ...F.opensearch()],
    breaks: [
      ["RDS single-AZ", (rs) => ((named(rs, "postgres-db").props as Any).multiAz = false), "multiAz is not true"],
      ["DocumentDB with one instance", (rs) => rs.splice(rs.findIndex((r) => r.name === "mongodb-2"), 1), "has 1 cluster instance, fewer than 2"],
      ["ElastiCache without failover", (rs) => ((named(rs, "redis-rg").props as Any).automaticFailoverEnabled = false), "automaticFailoverEnabled is not true"],
      ["ElastiCache with one node", (rs) => ((named(rs, "redis-rg").props as Any).numCacheClusters = 1), "it has no replica"],
      ["MemoryDB without replicas", (rs) => ((named(rs, "redis-cluster").props as Any).numReplicasPerShard = 0), "numReplicasPerShard is 0"],
      ["OpenSearch in one zone", (rs) => ((named(rs, "elasticsearch-domain").props as Any).clusterConfig.zoneAwarenessEnabled = false), "zoneAwarenessEnabled is not true"],
    ],
  },
  "aws-cost-tags": {
    compliant: () => [...F.rdsPostgres(), ...F.securityGroups()],
    alsoCompliant: [["tags from the provider's defaultTags", (rs) => {
      const db = named(rs, "postgres-db");
      db.props.tags = { project: "polystore" };
      db.provider = { region: "eu-west-1", defaultTags: JSON.stringify({ tags: { owner: "platform-team", "cost-centre": "engineering" } }) };
    }]],
    breaks: [
      ["no cost-centre tag", (rs) => delete (named(rs, "postgres-db").props as Any).tags["cost-centre"], "Instance postgres-db: missing tag cost-centre"],
      ["an untagged security group", (rs) => delete named(rs, "postgres-sg").props.tags, "SecurityGroup postgres-sg: missing tags owner, cost-centre"],
    ],
  },
  "aws-log-exports": {
    compliant: () => [...F.rdsPostgres(), ...F.docdb(), ...F.opensearch()],
    breaks: [
      ["RDS exports nothing", (rs) => ((named(rs, "postgres-db").props as Any).enabledCloudwatchLogsExports = []), "enabledCloudwatchLogsExports is empty"],
      ["DocumentDB exports unset", (rs) => delete (named(rs, "mongodb-cluster").props as Any).enabledCloudwatchLogsExports, "Cluster mongodb-cluster: enabledCloudwatchLogsExports is empty"],
      ["OpenSearch log publishing disabled", (rs) => ((named(rs, "elasticsearch-domain").props as Any).logPublishingOptions[0].enabled = false), "no enabled logPublishingOptions"],
    ],
  },
  "aws-performance-insights": {
    compliant: () => F.rdsPostgres(),
    breaks: [["Performance Insights off", (rs) => ((named(rs, "postgres-db").props as Any).performanceInsightsEnabled = false), "performanceInsightsEnabled is not true"]],
  },
  "aws-elasticache-auth-token": {
    compliant: () => F.elasticache(),
    alsoCompliant: [["RBAC user groups instead of an AUTH token", (rs) => {
      const p = named(rs, "redis-rg").props as Any;
      delete p.authToken;
      p.userGroupIds = ["polystore-prod-redis-users"];
    }]],
    breaks: [
      ["no authToken and no user groups", (rs) => delete (named(rs, "redis-rg").props as Any).authToken, "neither authToken nor userGroupIds is set"],
      ["AUTH without transit encryption", (rs) => ((named(rs, "redis-rg").props as Any).transitEncryptionEnabled = false), "transitEncryptionEnabled is not true"],
    ],
  },
  "aws-elasticache-automatic-backups": {
    compliant: () => F.elasticache(),
    breaks: [["snapshots off", (rs) => ((named(rs, "redis-rg").props as Any).snapshotRetentionLimit = 0), "ReplicationGroup redis-rg: snapshotRetentionLimit is 0"]],
  },
  "aws-docdb-audit-logs": {
    compliant: () => F.docdb(),
    breaks: [
      ["audit_logs disabled", (rs) => ((named(rs, "mongodb-params").props as Any).parameters = [{ name: "tls", value: "enabled" }, { name: "audit_logs", value: "disabled" }]), "does not enable audit_logs"],
      ["audit log not exported", (rs) => ((named(rs, "mongodb-cluster").props as Any).enabledCloudwatchLogsExports = ["profiler"]), "enabledCloudwatchLogsExports does not include audit"],
    ],
  },
  "aws-docdb-tls-enabled": {
    compliant: () => F.docdb(),
    breaks: [["tls disabled", (rs) => ((named(rs, "mongodb-params").props as Any).parameters = [{ name: "tls", value: "disabled" }, { name: "audit_logs", value: "enabled" }]), "Cluster mongodb-cluster: its cluster parameter group sets tls=disabled"]],
  },
  "aws-docdb-backup-retention": {
    compliant: () => F.docdb(),
    breaks: [["2 days", (rs) => ((named(rs, "mongodb-cluster").props as Any).backupRetentionPeriod = 2), "backupRetentionPeriod is 2 day(s), below 7"]],
  },
  "aws-rds-iam-auth": {
    compliant: () => F.rdsPostgres(),
    breaks: [["IAM auth off", (rs) => delete (named(rs, "postgres-db").props as Any).iamDatabaseAuthenticationEnabled, "Instance postgres-db: iamDatabaseAuthenticationEnabled is not true"]],
  },
  "aws-rds-current-ca": {
    compliant: () => F.rdsPostgres(),
    breaks: [["expired rds-ca-2019", (rs) => ((named(rs, "postgres-db").props as Any).caCertIdentifier = "rds-ca-2019"), "caCertIdentifier is rds-ca-2019, not a current CA"]],
  },
  "aws-rds-auto-minor-version-upgrade": {
    compliant: () => F.rdsPostgres(),
    breaks: [["minor upgrades off", (rs) => ((named(rs, "postgres-db").props as Any).autoMinorVersionUpgrade = false), "autoMinorVersionUpgrade is false"]],
  },
  "aws-rds-copy-tags-to-snapshot": {
    compliant: () => F.rdsPostgres(),
    breaks: [["tags not copied", (rs) => ((named(rs, "postgres-db").props as Any).copyTagsToSnapshot = false), "copyTagsToSnapshot is not true"]],
  },
  "aws-rds-enhanced-monitoring": {
    compliant: () => F.rdsPostgres(),
    breaks: [
      ["monitoring off", (rs) => ((named(rs, "postgres-db").props as Any).monitoringInterval = 0), "monitoringInterval is 0, so Enhanced Monitoring is off"],
      ["no monitoring role", (rs) => delete (named(rs, "postgres-db").props as Any).monitoringRoleArn, "monitoringInterval is set without monitoringRoleArn"],
    ],
  },
  "aws-rds-postgres-query-logging": {
    compliant: () => F.rdsPostgres(),
    breaks: [["no statement logging", (rs) => ((named(rs, "postgres-params").props as Any).parameters = [{ name: "rds.force_ssl", value: "1" }]), "sets neither log_statement nor log_min_duration_statement"]],
  },
  "aws-customer-managed-keys": {
    compliant: () => [...F.rdsPostgres(), ...F.docdb(), ...F.elasticache(), ...F.memorydb(), ...F.opensearch()],
    breaks: [
      ["RDS on the AWS-managed key", (rs) => delete (named(rs, "postgres-db").props as Any).kmsKeyId, "Instance postgres-db: no customer-managed KMS key"],
      ["OpenSearch on the AWS-managed key", (rs) => ((named(rs, "elasticsearch-domain").props as Any).encryptAtRest = { enabled: true }), "Domain elasticsearch-domain: no customer-managed KMS key"],
    ],
  },
  "aws-opensearch-fine-grained-access": {
    compliant: () => F.opensearch(),
    breaks: [
      ["FGAC off", (rs) => ((named(rs, "elasticsearch-domain").props as Any).advancedSecurityOptions.enabled = false), "advancedSecurityOptions.enabled is not true"],
      ["anonymous access", (rs) => ((named(rs, "elasticsearch-domain").props as Any).advancedSecurityOptions.anonymousAuthEnabled = true), "anonymousAuthEnabled is true"],
    ],
  },
  "aws-opensearch-node-to-node-encryption": {
    compliant: () => F.opensearch(),
    breaks: [["node-to-node off", (rs) => ((named(rs, "elasticsearch-domain").props as Any).nodeToNodeEncryption = { enabled: false }), "nodeToNodeEncryption.enabled is not true"]],
  },
  "aws-opensearch-tls12": {
    compliant: () => F.opensearch(),
    breaks: [["TLS 1.0 policy", (rs) => ((named(rs, "elasticsearch-domain").props as Any).domainEndpointOptions.tlsSecurityPolicy = "Policy-Min-TLS-1-0-2019-07"), "tlsSecurityPolicy is Policy-Min-TLS-1-0-2019-07"]],
  },
  "aws-opensearch-dedicated-masters": {
    compliant: () => F.opensearch(),
    breaks: [
      ["no dedicated masters", (rs) => ((named(rs, "elasticsearch-domain").props as Any).clusterConfig.dedicatedMasterEnabled = false), "dedicatedMasterEnabled is not true"],
      ["one master", (rs) => ((named(rs, "elasticsearch-domain").props as Any).clusterConfig.dedicatedMasterCount = 1), "dedicatedMasterCount is 1, below 3"],
    ],
  },
  "aws-no-default-subnet-group": {
    compliant: () => [...F.rdsPostgres(), ...F.docdb(), ...F.elasticache(), ...F.memorydb()],
    breaks: [
      ["RDS without a subnet group", (rs) => delete (named(rs, "postgres-db").props as Any).dbSubnetGroupName, "Instance postgres-db: dbSubnetGroupName is unset, so the default subnet group is used"],
      ["ElastiCache on the group named default", (rs) => ((named(rs, "redis-rg").props as Any).subnetGroupName = "default"), 'subnetGroupName is "default"'],
    ],
  },
  "aws-no-default-security-group": {
    compliant: () => [...F.rdsPostgres(), ...F.docdb(), ...F.elasticache(), ...F.memorydb(), ...F.opensearch()],
    breaks: [
      ["DocumentDB without security groups", (rs) => delete (named(rs, "mongodb-cluster").props as Any).vpcSecurityGroupIds, "Cluster mongodb-cluster: no security groups, so the VPC's default security group is used"],
      ["MemoryDB on the default group", (rs) => ((named(rs, "redis-cluster").props as Any).securityGroupIds = ["default"]), "uses the security group named default"],
    ],
  },
};

const policy = (name: string): Policy => {
  const p = POLICIES.find((x) => x.name === name);
  if (!p) throw new Error(`no policy ${name}`);
  return p;
};

describe("policy test table", () => {
  it("covers every policy of the pack, each with at least one way to break it", () => {
    expect(Object.keys(CASES).sort()).toEqual(POLICIES.map((p) => p.name).sort());
    for (const c of Object.values(CASES)) expect(c.breaks.length).toBeGreaterThan(0);
  });
});

for (const [name, c] of Object.entries(CASES)) {
  describe(name, () => {
    const p = policy(name);

    it("passes the compliant stack", async () => {
      expect(await check(p, c.compliant(), c.config)).toEqual([]);
    });

    for (const [description, change] of c.alsoCompliant ?? []) {
      it(`passes: ${description}`, async () => {
        expect(await check(p, broken(c.compliant(), change), c.config)).toEqual([]);
      });
    }

    for (const [description, change, expected] of c.breaks) {
      it(`fails: ${description}`, async () => {
        const violations = await check(p, broken(c.compliant(), change), c.config);
        expect(violations.length, `no violation for: ${description}`).toBeGreaterThan(0);
        expect(violations.every((v) => v.policy === name)).toBe(true);
        expect(violations.map((v) => v.message).join("\n")).toMatch(typeof expected === "string" ? new RegExp(expected.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : expected);
        // Every message is one line: what is wrong, then how to fix it.
        for (const v of violations) expect(v.message).toMatch(/^[^\n]+; fix: [^\n]+$/);
        expect(violations.every((v) => v.level === (p.enforcementLevel === "advisory" ? "advisory" : "mandatory"))).toBe(true);
      });
    }
  });
}
