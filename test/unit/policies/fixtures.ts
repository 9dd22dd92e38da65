/**
 * Compliant resources for the policy tests, shaped like what polystore's
 * targets register (Docker, Kubernetes, AWS @pulumi/aws 7.x). Each test
 * starts from one of these and breaks ONE property.
 */
import type { Res } from "./harness";

export const T = {
  image: "docker:index/remoteImage:RemoteImage",
  container: "docker:index/container:Container",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  job: "kubernetes:batch/v1:Job",
  service: "kubernetes:core/v1:Service",
  k8sSecret: "kubernetes:core/v1:Secret",
  configMap: "kubernetes:core/v1:ConfigMap",
  password: "random:index/randomPassword:RandomPassword",
  dotenv: "pulumi-nodejs:dynamic/polystore:DotEnvFile",
  stack: "pulumi:pulumi:Stack",
  rds: "aws:rds/instance:Instance",
  rdsParams: "aws:rds/parameterGroup:ParameterGroup",
  docdb: "aws:docdb/cluster:Cluster",
  docdbInstance: "aws:docdb/clusterInstance:ClusterInstance",
  docdbParams: "aws:docdb/clusterParameterGroup:ClusterParameterGroup",
  cacheRg: "aws:elasticache/replicationGroup:ReplicationGroup",
  cacheCluster: "aws:elasticache/cluster:Cluster",
  cacheParams: "aws:elasticache/parameterGroup:ParameterGroup",
  memorydb: "aws:memorydb/cluster:Cluster",
  memorydbParams: "aws:memorydb/parameterGroup:ParameterGroup",
  opensearch: "aws:opensearch/domain:Domain",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  sgIngress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  secret: "aws:secretsmanager/secret:Secret",
  secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
} as const;

export const TAGS = { project: "polystore", stack: "prod", owner: "platform-team", "cost-centre": "engineering" };

/** A store component and its generated admin password. */
export function store(kind: string): Res[] {
  const cls = `${kind[0].toUpperCase()}${kind.slice(1)}Store`;
  return [
    {
      type: `polystore:${kind}:${cls}`,
      name: kind,
      props: { host: "127.0.0.1", adminCredentials: { user: "admin", password: `${kind}-pw` } },
      secrets: ["adminCredentials"],
    },
    { type: T.password, name: `${kind}-admin-password`, props: { length: 32, special: false, result: `${kind}-pw` }, parent: kind, additionalSecretOutputs: ["bcryptHash", "result"] },
  ];
}

/** Redis on Docker as components/docker renders it: pinned image, env password, loopback port, healthcheck, memory. */
export function dockerRedis(): Res[] {
  return [
    ...store("redis"),
    { type: T.image, name: "redis-image", props: { name: "redis:7.4.11-alpine", keepLocally: true }, parent: "redis" },
    {
      type: T.container,
      name: "redis-container",
      parent: "redis",
      props: {
        name: "polystore-dev-redis",
        image: "sha256:0f9d5a8c",
        command: ["sh", "-c", 'exec redis-server "$@" --requirepass "$REDIS_PASSWORD"', "redis-server", "--maxmemory", "512mb", "--maxmemory-policy", "allkeys-lru", "--appendonly", "yes"],
        envs: ["REDIS_PASSWORD=Gx8kq2mZ7vNf0aPq3LwT5rYs1cHd9uJe"],
        memory: 576,
        ports: [{ internal: 6379, external: 6379, ip: "127.0.0.1", protocol: "tcp" }],
        healthcheck: { tests: ["CMD-SHELL", 'REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -h 127.0.0.1 ping | grep -q PONG'], interval: "5s", retries: 20 },
        labels: [{ label: "polystore.store", value: "redis" }],
      },
      deps: { envs: ["redis-admin-password"], image: ["redis-image"] },
      secrets: ["envs"],
    },
  ];
}

/** Neo4j as a Kubernetes StatefulSet, with an init container and its password from a Secret. */
export function k8sNeo4j(): Res[] {
  return [
    {
      type: T.statefulSet,
      name: "neo4j-statefulset",
      props: {
        metadata: { name: "neo4j" },
        spec: {
          template: {
            metadata: { labels: { "polystore.store": "neo4j" } },
            spec: {
              initContainers: [{ name: "fix-perms", image: "busybox:1.36.1", command: ["chown", "-R", "7474", "/data"], resources: { limits: { memory: "64Mi" } } }],
              containers: [
                {
                  name: "neo4j",
                  image: "neo4j:5.26.29-community",
                  env: [
                    { name: "NEO4J_AUTH", valueFrom: { secretKeyRef: { name: "neo4j-auth", key: "NEO4J_AUTH" } } },
                    { name: "NEO4J_server_memory_heap_max__size", value: "2048m" },
                  ],
                  resources: { limits: { memory: "4Gi" }, requests: { memory: "4Gi", cpu: "500m" } },
                  readinessProbe: { tcpSocket: { port: 7687 } },
                  livenessProbe: { exec: { command: ["sh", "-c", 'cypher-shell -u neo4j -p "${NEO4J_AUTH#neo4j/}" "RETURN 1"'] } },
                },
              ],
            },
          },
        },
      },
    },
  ];
}

/** Redis as a Kubernetes StatefulSet: args with $(VAR) expansion from a secretKeyRef env. */
export function k8sRedis(): Res[] {
  return [
    {
      type: T.statefulSet,
      name: "redis-statefulset",
      props: {
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: "redis",
                  image: "redis:7.4.11-alpine",
                  args: ["--requirepass", "$(REDIS_PASSWORD)", "--maxmemory", "512mb", "--maxmemory-policy", "allkeys-lru"],
                  env: [{ name: "REDIS_PASSWORD", valueFrom: { secretKeyRef: { name: "redis-auth", key: "password" } } }],
                  resources: { limits: { memory: "576Mi" } },
                  readinessProbe: { exec: { command: ["redis-cli", "ping"] } },
                  livenessProbe: { tcpSocket: { port: 6379 } },
                },
              ],
            },
          },
        },
      },
    },
  ];
}

/** PostgreSQL on RDS as a production stack renders it. */
export function rdsPostgres(): Res[] {
  return [
    { type: T.rdsParams, name: "postgres-params", props: { name: "polystore-prod-postgres", family: "postgres16", parameters: [{ name: "rds.force_ssl", value: "1" }, { name: "log_statement", value: "ddl" }, { name: "log_min_duration_statement", value: "1000" }], tags: TAGS } },
    {
      type: T.rds,
      name: "postgres-db",
      props: {
        engine: "postgres",
        engineVersion: "16.4",
        instanceClass: "db.m7g.large",
        username: "polystore_admin",
        password: "generated-admin-password",
        storageEncrypted: true,
        backupRetentionPeriod: 7,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: "polystore-prod-postgres-final",
        deletionProtection: true,
        publiclyAccessible: false,
        multiAz: true,
        parameterGroupName: "polystore-prod-postgres",
        dbSubnetGroupName: "polystore-prod-postgres",
        vpcSecurityGroupIds: ["sg-postgres"],
        enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
        performanceInsightsEnabled: true,
        iamDatabaseAuthenticationEnabled: true,
        caCertIdentifier: "rds-ca-rsa2048-g1",
        autoMinorVersionUpgrade: true,
        copyTagsToSnapshot: true,
        monitoringInterval: 60,
        monitoringRoleArn: "arn:aws:iam::123456789012:role/polystore-prod-postgres-monitoring",
        kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/postgres",
        tags: TAGS,
      },
      additionalSecretOutputs: ["password", "passwordWo"],
      secrets: ["password"],
      deps: { parameterGroupName: ["postgres-params"] },
    },
  ];
}

/** MongoDB on DocumentDB: cluster, two instances, TLS parameter group. */
export function docdb(): Res[] {
  return [
    { type: T.docdbParams, name: "mongodb-params", props: { name: "polystore-prod-mongodb", family: "docdb5.0", parameters: [{ name: "tls", value: "enabled" }, { name: "audit_logs", value: "enabled" }], tags: TAGS } },
    {
      type: T.docdb,
      name: "mongodb-cluster",
      props: {
        clusterIdentifier: "polystore-prod-mongodb",
        masterUsername: "polystore_admin",
        masterPassword: "generated-admin-password",
        storageEncrypted: true,
        backupRetentionPeriod: 7,
        skipFinalSnapshot: false,
        deletionProtection: true,
        dbClusterParameterGroupName: "polystore-prod-mongodb",
        dbSubnetGroupName: "polystore-prod-mongodb",
        vpcSecurityGroupIds: ["sg-mongodb"],
        kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/mongodb",
        enabledCloudwatchLogsExports: ["audit", "profiler"],
        tags: TAGS,
      },
      additionalSecretOutputs: ["masterPassword", "masterPasswordWo"],
      deps: { dbClusterParameterGroupName: ["mongodb-params"] },
    },
    { type: T.docdbInstance, name: "mongodb-1", props: { clusterIdentifier: "mongodb-cluster-id", instanceClass: "db.r6g.large", tags: TAGS }, deps: { clusterIdentifier: ["mongodb-cluster"] } },
    { type: T.docdbInstance, name: "mongodb-2", props: { clusterIdentifier: "mongodb-cluster-id", instanceClass: "db.r6g.large", tags: TAGS }, deps: { clusterIdentifier: ["mongodb-cluster"] } },
  ];
}

/** Redis on ElastiCache: replication group with AUTH, TLS, failover and an allkeys-lru parameter group. */
export function elasticache(): Res[] {
  return [
    { type: T.cacheParams, name: "redis-params", props: { name: "polystore-prod-redis", family: "redis7", parameters: [{ name: "maxmemory-policy", value: "allkeys-lru" }], tags: TAGS } },
    {
      type: T.cacheRg,
      name: "redis-rg",
      props: {
        description: "polystore redis",
        engine: "redis",
        nodeType: "cache.r7g.large",
        authToken: "generated-auth-token-32-characters",
        transitEncryptionEnabled: true,
        transitEncryptionMode: "required",
        atRestEncryptionEnabled: true,
        automaticFailoverEnabled: true,
        multiAzEnabled: true,
        numCacheClusters: 2,
        snapshotRetentionLimit: 7,
        parameterGroupName: "polystore-prod-redis",
        subnetGroupName: "polystore-prod-redis",
        securityGroupIds: ["sg-redis"],
        kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/redis",
        tags: TAGS,
      },
      protect: true,
      additionalSecretOutputs: ["authToken", "authTokenWo"],
      deps: { parameterGroupName: ["redis-params"] },
    },
  ];
}

/** Redis on MemoryDB: ACL, TLS, replica, parameter group found by name. */
export function memorydb(): Res[] {
  return [
    { type: T.memorydbParams, name: "redis-mdb-params", props: { name: "polystore-prod-redis-mdb", family: "memorydb_redis7", parameters: [{ name: "maxmemory-policy", value: "allkeys-lru" }], tags: TAGS } },
    {
      type: T.memorydb,
      name: "redis-cluster",
      props: { aclName: "polystore-prod-acl", nodeType: "db.r7g.large", numReplicasPerShard: 1, snapshotRetentionLimit: 7, parameterGroupName: "polystore-prod-redis-mdb", tlsEnabled: true, subnetGroupName: "polystore-prod-redis-mdb", securityGroupIds: ["sg-redis"], kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/redis", tags: TAGS },
      protect: true,
    },
  ];
}

/** Elasticsearch on OpenSearch Service: VPC, HTTPS with TLS 1.2, encryption, zone awareness, logs. */
export function opensearch(): Res[] {
  return [
    {
      type: T.opensearch,
      name: "elasticsearch-domain",
      props: {
        domainName: "polystore-prod",
        engineVersion: "OpenSearch_2.19",
        clusterConfig: {
          instanceType: "r6g.large.search", instanceCount: 2, zoneAwarenessEnabled: true, zoneAwarenessConfig: { availabilityZoneCount: 2 },
          dedicatedMasterEnabled: true, dedicatedMasterCount: 3, dedicatedMasterType: "m6g.large.search",
        },
        vpcOptions: { subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: ["sg-1"] },
        encryptAtRest: { enabled: true, kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/opensearch" },
        advancedSecurityOptions: { enabled: true, anonymousAuthEnabled: false, internalUserDatabaseEnabled: true },
        nodeToNodeEncryption: { enabled: true },
        domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-2019-07" },
        logPublishingOptions: [{ logType: "ES_APPLICATION_LOGS", cloudwatchLogGroupArn: "arn:aws:logs:eu-west-1:1:log-group:x", enabled: true }],
        tags: TAGS,
      },
      protect: true,
    },
  ];
}

/** A database security group that admits only the application's security group and a private CIDR. */
export function securityGroups(): Res[] {
  return [
    {
      type: T.sg,
      name: "postgres-sg",
      props: {
        vpcId: "vpc-1",
        ingress: [
          { protocol: "tcp", fromPort: 5432, toPort: 5432, securityGroups: ["sg-app"] },
          { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
        ],
        tags: TAGS,
      },
    },
    { type: T.sgRule, name: "redis-from-vpc", props: { type: "ingress", protocol: "tcp", fromPort: 6379, toPort: 6379, cidrBlocks: ["10.0.0.0/16"], securityGroupId: "sg-redis" } },
    { type: T.sgIngress, name: "mongodb-from-vpc", props: { ipProtocol: "tcp", fromPort: 27017, toPort: 27017, cidrIpv4: "10.0.0.0/16", securityGroupId: "sg-mongo", tags: TAGS } },
  ];
}
