import { beforeAll, describe, expect, it } from "vitest";
import { isSecretInput } from "../../util/mocks";
import { isSecretOutput, valueOf } from "../../util/outputs";
import { appAclRules } from "../../../components/init/adapters/redis";
import { awsName, OPENSEARCH_TLS_POLICY } from "../../../components/targets/aws";
import { AWS_NETWORK, evaluate, inputs, ofType, problemsOf, resource, type Evaluated } from "./harness";

const AWS_STORES = ["postgres", "redis", "mongodb", "elasticsearch"] as const;
const base = { target: "aws", owner: "data-team", costCentre: "cc-42" };

/** A short-lived stack: production off, every store with its defaults (Redis AOF on → MemoryDB). */
const REVIEW = { ...base, aws: { ...AWS_NETWORK }, stores: { postgres: {}, redis: {}, mongodb: {}, elasticsearch: {} } };

/** Production defaults, Redis without AOF (→ ElastiCache), one per-store override. */
const PROD = {
  ...base,
  aws: { ...AWS_NETWORK, production: true, kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/0d3c1a2b-1111-2222-3333-444455556666" },
  stores: {
    postgres: { aws: { deletionProtection: false, backupRetentionDays: 14 } },
    redis: { appendonly: false },
    mongodb: {},
    elasticsearch: {},
  },
};

let review: Evaluated;
let prod: Evaluated;

beforeAll(async () => {
  review = await evaluate(REVIEW, "pr-17");
  prod = await evaluate(PROD, "prod");
});

describe("aws target: PostgreSQL on RDS", () => {
  it("forces TLS in a parameter group for PostgreSQL 16", () => {
    const pg = inputs(resource(review.registered, "rds/parameterGroup:ParameterGroup", "postgres-params"));
    expect(pg.family).toBe("postgres16");
    expect(pg.parameters).toContainEqual({ name: "rds.force_ssl", value: "1" });
    expect(pg.parameters).toContainEqual({ name: "max_connections", value: "100", applyMethod: "pending-reboot" });
  });

  it("is encrypted, private, backed up 7 days, in its subnet group and security group", () => {
    const db = inputs(resource(review.registered, "rds/instance:Instance", "postgres-db"));
    expect(db.engine).toBe("postgres");
    expect(db.engineVersion).toMatch(/^16\./);
    expect(db.storageEncrypted).toBe(true);
    expect(db.publiclyAccessible).toBe(false);
    expect(db.backupRetentionPeriod).toBeGreaterThanOrEqual(7);
    expect(db.parameterGroupName).toBe("postgres-params-mock");
    expect(db.dbSubnetGroupName).toBe("postgres-subnets-mock");
    expect(db.vpcSecurityGroupIds).toEqual(["postgres-sg-id"]);
    expect(db.username).toBe("polystore_admin");
    expect(db.dbName).toBe("app");
    const subnets = inputs(resource(review.registered, "rds/subnetGroup:SubnetGroup", "postgres-subnets"));
    expect(subnets.subnetIds).toEqual(AWS_NETWORK.subnetIds);
  });

  it("short-lived stacks can be destroyed: no deletion protection, no final snapshot, single AZ", () => {
    const db = inputs(resource(review.registered, "rds/instance:Instance", "postgres-db"));
    expect(db.deletionProtection).toBe(false);
    expect(db.skipFinalSnapshot).toBe(true);
    expect(db.finalSnapshotIdentifier).toBeUndefined();
    expect(db.multiAz).toBe(false);
    // Nothing is protected from `pulumi destroy` on a short-lived stack.
    expect(review.registered.filter((r) => r.options.protect).map((r) => r.name)).toEqual([]);
  });

  it("production protects ElastiCache and OpenSearch (no AWS deletion-protection flag) with Pulumi's protect option", () => {
    expect(resource(prod.registered, "elasticache/replicationGroup:ReplicationGroup", "redis-cache").options.protect).toBe(true);
    expect(resource(prod.registered, "opensearch/domain:Domain", "elasticsearch-domain").options.protect).toBe(true);
    expect(prod.registered.filter((r) => r.options.protect).map((r) => r.name).sort()).toEqual(["elasticsearch-domain", "redis-cache"]);
  });

  it("production: Multi-AZ and a final snapshot; a per-store override wins over the production default", () => {
    const db = inputs(resource(prod.registered, "rds/instance:Instance", "postgres-db"));
    expect(db.multiAz).toBe(true);
    expect(db.skipFinalSnapshot).toBe(false);
    expect(db.finalSnapshotIdentifier).toBe("polystore-prod-postgres-final");
    expect(db.deletionProtection).toBe(false); // stores.postgres.aws.deletionProtection: false
    expect(db.backupRetentionPeriod).toBe(14);
    expect(db.kmsKeyId).toBe(PROD.aws.kmsKeyArn);
  });

  it("takes the master password from the generated admin identity, as a secret input", async () => {
    const db = resource(review.registered, "rds/instance:Instance", "postgres-db");
    expect(isSecretInput(db.inputs.password)).toBe(true);
    expect(inputs(db).password).toBe("mock-postgres-admin-password-pw");
    const conn = await valueOf(review.program.stores.postgres!.connection);
    expect(conn.admin).toEqual({ user: "polystore_admin", password: "mock-postgres-admin-password-pw" });
    expect(conn).toMatchObject({ host: "postgres-db.mock.internal", port: 5432, tls: true });
  });
});

describe("aws target: security groups", () => {
  it.each([
    ["postgres", 5432],
    ["redis", 6379],
    ["mongodb", 27017],
    ["elasticsearch", 443],
  ])("%s admits only the configured security groups and CIDRs on port %i, in the configured VPC", (kind, port) => {
    const sg = inputs(resource(review.registered, "ec2/securityGroup:SecurityGroup", `${kind}-sg`));
    expect(sg.vpcId).toBe(AWS_NETWORK.vpcId);
    expect(sg.egress).toEqual([]);
    expect(sg.ingress).toHaveLength(2);
    for (const rule of sg.ingress) {
      expect(rule).toMatchObject({ protocol: "tcp", fromPort: port, toPort: port });
    }
    expect(sg.ingress.flatMap((r: { securityGroups?: string[] }) => r.securityGroups ?? [])).toEqual(AWS_NETWORK.allowedSecurityGroupIds);
    expect(sg.ingress.flatMap((r: { cidrBlocks?: string[] }) => r.cidrBlocks ?? [])).toEqual(AWS_NETWORK.allowedCidrs);
  });
});

describe("aws target: Redis with AOF on MemoryDB", () => {
  it("becomes a MemoryDB cluster: TLS, one shard, the parameter group's LRU and timeout", () => {
    expect(ofType(review.registered, "elasticache/replicationGroup:ReplicationGroup")).toHaveLength(0);
    const params = inputs(resource(review.registered, "memorydb/parameterGroup:ParameterGroup", "redis-params"));
    expect(params.family).toBe("memorydb_redis7");
    expect(params.parameters).toEqual([
      { name: "maxmemory-policy", value: "allkeys-lru" },
      { name: "timeout", value: "300" },
    ]);
    const c = inputs(resource(review.registered, "memorydb/cluster:Cluster", "redis-cluster"));
    expect(c).toMatchObject({ tlsEnabled: true, numShards: 1, numReplicasPerShard: 0, port: 6379, snapshotRetentionLimit: 7 });
    expect(c.parameterGroupName).toBe("redis-params-mock");
    expect(c.aclName).toBe("redis-acl-mock");
    expect(c.securityGroupIds).toEqual(["redis-sg-id"]);
    expect(c.finalSnapshotName).toBeUndefined();
  });

  it("has an ACL with an admin user and the least-privilege application user, passwords secret", () => {
    const admin = resource(review.registered, "memorydb/user:User", "redis-admin-user");
    const app = resource(review.registered, "memorydb/user:User", "redis-app-user");
    expect(inputs(admin).userName).toBe("polystore-pr-17-redis-admin");
    expect(inputs(admin).accessString).toBe("on ~* &* +@all");
    expect(inputs(app).userName).toBe("app");
    for (const rule of appAclRules().filter((r) => !r.includes("|") && r !== "resetchannels")) {
      expect(inputs(app).accessString.split(" ")).toContain(rule);
    }
    expect(inputs(app).accessString).not.toContain("~*");
    for (const u of [admin, app]) expect(isSecretInput(u.inputs.authenticationMode)).toBe(true);
    expect(inputs(app).authenticationMode.passwords).toEqual(["mock-redis-app-password-pw"]);
    expect(inputs(resource(review.registered, "memorydb/acl:Acl", "redis-acl")).userNames).toEqual(["polystore-pr-17-redis-admin", "app"]);
  });

  it("tells the init runner that CONFIG and ACL SETUSER are unavailable, and connects as the MemoryDB admin", async () => {
    const conn = await valueOf(review.program.stores.redis!.connection);
    expect(conn.options).toMatchObject({ configCheck: "off", manageAppUser: "false", service: "memorydb", clusterMode: "true" });
    expect(conn).toMatchObject({ host: "clustercfg.redis-cluster.mock.internal", port: 6379, tls: true });
    expect(conn.admin.user).toBe("polystore-pr-17-redis-admin");
    const env = await valueOf(review.program.stores.redis!.env);
    expect(env.REDIS_URL).toBe("rediss://app:mock-redis-app-password-pw@clustercfg.redis-cluster.mock.internal:6379/0");
  });

  it("production: a replica and a final snapshot", async () => {
    const e = await evaluate({ ...PROD, stores: { redis: {} } }, "prod");
    const c = inputs(resource(e.registered, "memorydb/cluster:Cluster", "redis-cluster"));
    expect(c.numReplicasPerShard).toBe(1);
    expect(c.finalSnapshotName).toBe("polystore-prod-redis-final");
    expect(c.kmsKeyArn).toBe(PROD.aws.kmsKeyArn);
  });
});

describe("aws target: Redis without AOF on ElastiCache", () => {
  it("is a replication group with encryption at rest and in transit, failover and Multi-AZ in production", () => {
    expect(ofType(prod.registered, "memorydb/cluster:Cluster")).toHaveLength(0);
    const rg = inputs(resource(prod.registered, "elasticache/replicationGroup:ReplicationGroup", "redis-cache"));
    expect(rg).toMatchObject({
      engine: "redis",
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      numCacheClusters: 2,
      port: 6379,
    });
    expect(rg.parameterGroupName).toBe("redis-params-mock");
    expect(rg.subnetGroupName).toBe("redis-subnets-mock");
    expect(rg.userGroupIds).toEqual(["polystore-prod-redis"]);
    expect(rg.finalSnapshotIdentifier).toBe("polystore-prod-redis-final");
  });

  it("sets maxmemory-policy allkeys-lru and timeout 300 in its parameter group", () => {
    const p = inputs(resource(prod.registered, "elasticache/parameterGroup:ParameterGroup", "redis-params"));
    expect(p.family).toBe("redis7");
    expect(p.parameters).toContainEqual({ name: "maxmemory-policy", value: "allkeys-lru" });
    expect(p.parameters).toContainEqual({ name: "timeout", value: "300" });
  });

  it("authenticates with an RBAC user group: `default` holds the admin password, the app user its own (secret)", async () => {
    const admin = resource(prod.registered, "elasticache/user:User", "redis-admin-user");
    const app = resource(prod.registered, "elasticache/user:User", "redis-app-user");
    expect(inputs(admin)).toMatchObject({ userName: "default", userId: "polystore-prod-redis-admin", engine: "redis" });
    expect(inputs(admin).authenticationMode.passwords).toEqual(["mock-redis-admin-password-pw"]);
    expect(inputs(app)).toMatchObject({ userName: "app", userId: "polystore-prod-redis-app" });
    for (const u of [admin, app]) expect(isSecretInput(u.inputs.authenticationMode)).toBe(true);
    expect(inputs(resource(prod.registered, "elasticache/userGroup:UserGroup", "redis-users")).userIds).toEqual([
      "polystore-prod-redis-admin",
      "polystore-prod-redis-app",
    ]);
    const conn = await valueOf(prod.program.stores.redis!.connection);
    expect(conn.options).toMatchObject({ configCheck: "off", manageAppUser: "false", service: "elasticache" });
    expect(conn.host).toBe("master.redis-cache.mock.internal");
  });
});

describe("aws target: MongoDB on DocumentDB", () => {
  it("turns TLS on in the cluster parameter group", () => {
    const p = inputs(resource(review.registered, "docdb/clusterParameterGroup:ClusterParameterGroup", "mongodb-params"));
    expect(p.family).toBe("docdb5.0");
    expect(p.parameters).toContainEqual({ name: "tls", value: "enabled", applyMethod: "pending-reboot" });
  });

  it("is encrypted, backed up 7 days, with one instance on a short-lived stack", () => {
    const c = inputs(resource(review.registered, "docdb/cluster:Cluster", "mongodb-cluster"));
    expect(c).toMatchObject({ engine: "docdb", storageEncrypted: true, backupRetentionPeriod: 7, deletionProtection: false, skipFinalSnapshot: true });
    expect(c.dbClusterParameterGroupName).toBe("mongodb-params-mock");
    expect(c.vpcSecurityGroupIds).toEqual(["mongodb-sg-id"]);
    expect(c.masterUsername).toBe("polystoreadmin");
    expect(isSecretInput(resource(review.registered, "docdb/cluster:Cluster", "mongodb-cluster").inputs.masterPassword)).toBe(true);
    expect(ofType(review.registered, "docdb/clusterInstance:ClusterInstance")).toHaveLength(1);
  });

  it("production: deletion protection, final snapshot, two instances", () => {
    const c = inputs(resource(prod.registered, "docdb/cluster:Cluster", "mongodb-cluster"));
    expect(c).toMatchObject({ deletionProtection: true, skipFinalSnapshot: false, finalSnapshotIdentifier: "polystore-prod-mongodb-final" });
    const instances = ofType(prod.registered, "docdb/clusterInstance:ClusterInstance").map(inputs);
    expect(instances).toHaveLength(2);
    for (const i of instances) expect(i.clusterIdentifier).toBe("mongodb-cluster-id");
  });

  it("connects the init runner as DocumentDB's master user with TLS", async () => {
    const conn = await valueOf(review.program.stores.mongodb!.connection);
    expect(conn).toMatchObject({ host: "mongodb-cluster.mock.internal", port: 27017, tls: true });
    expect(conn.admin).toEqual({ user: "polystoreadmin", password: "mock-mongodb-admin-password-pw" });
    expect(conn.options).toMatchObject({ authSource: "admin", retryWrites: "false" });
  });
});

describe("aws target: Elasticsearch on OpenSearch Service", () => {
  it("encrypts at rest and between nodes, enforces HTTPS with TLS 1.2, lives in the VPC", () => {
    const d = inputs(resource(review.registered, "opensearch/domain:Domain", "elasticsearch-domain"));
    expect(d.engineVersion).toMatch(/^OpenSearch_2\./);
    expect(d.encryptAtRest).toEqual({ enabled: true });
    expect(d.nodeToNodeEncryption).toEqual({ enabled: true });
    expect(d.domainEndpointOptions).toEqual({ enforceHttps: true, tlsSecurityPolicy: OPENSEARCH_TLS_POLICY });
    expect(OPENSEARCH_TLS_POLICY).toContain("TLS-1-2");
    expect(d.vpcOptions).toEqual({ subnetIds: [AWS_NETWORK.subnetIds[0]], securityGroupIds: ["elasticsearch-sg-id"] });
    expect(d.domainName.length).toBeLessThanOrEqual(28);
  });

  it("has fine-grained access control with the internal user database and a secret master password", () => {
    const d = resource(review.registered, "opensearch/domain:Domain", "elasticsearch-domain");
    const sec = inputs(d).advancedSecurityOptions;
    expect(sec).toMatchObject({ enabled: true, internalUserDatabaseEnabled: true, anonymousAuthEnabled: false });
    expect(sec.masterUserOptions.masterUserName).toBe("polystore_admin");
    expect(sec.masterUserOptions.masterUserPassword).toBe("mock-elasticsearch-master-password-pw");
    expect(isSecretInput(d.inputs.advancedSecurityOptions)).toBe(true);
    const pw = inputs(resource(review.registered, "randomPassword:RandomPassword", "elasticsearch-master-password"));
    expect(pw).toMatchObject({ special: true, minSpecial: 2, minUpper: 4, minLower: 4, minNumeric: 4 });
  });

  it("lets requests through the domain policy only to that domain (access decided by FGAC)", () => {
    const p = inputs(resource(review.registered, "opensearch/domainPolicy:DomainPolicy", "elasticsearch-policy"));
    const doc = JSON.parse(p.accessPolicies);
    expect(doc.Statement[0].Resource).toBe("arn:aws:mock:::elasticsearch-domain/*");
    expect(doc.Statement[0].Action).toBe("es:ESHttp*");
  });

  it("tells the init runner it is OpenSearch, on 443 with TLS, as the master user", async () => {
    const conn = await valueOf(review.program.stores.elasticsearch!.connection);
    expect(conn.options).toEqual({ flavor: "opensearch" });
    expect(conn).toMatchObject({ port: 443, tls: true, host: "vpc-ps-pr-17-elasticsearch.mock.es.amazonaws.com" });
    expect(conn.admin.user).toBe("polystore_admin");
    const env = await valueOf(review.program.stores.elasticsearch!.env);
    expect(env.ELASTICSEARCH_URL).toBe("https://vpc-ps-pr-17-elasticsearch.mock.es.amazonaws.com:443");
  });

  it("production: two zone-aware data nodes in two subnets", () => {
    const d = inputs(resource(prod.registered, "opensearch/domain:Domain", "elasticsearch-domain"));
    expect(d.clusterConfig).toMatchObject({ instanceCount: 2, zoneAwarenessEnabled: true, zoneAwarenessConfig: { availabilityZoneCount: 2 } });
    expect(d.vpcOptions.subnetIds).toEqual(AWS_NETWORK.subnetIds);
  });
});

describe("aws target: tags, secrets, init", () => {
  it("tags everything that takes tags with project, stack, store, owner and cost centre", () => {
    // S3 bucket settings and inline role policies take no tags (the bucket and the role they belong to do).
    const untaggable = [
      "secretVersion:SecretVersion",
      "domainPolicy:DomainPolicy",
      "rolePolicyAttachment:RolePolicyAttachment",
      "rolePolicy:RolePolicy",
      "bucketPublicAccessBlock:BucketPublicAccessBlock",
      "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "bucketVersioning:BucketVersioning",
      "bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    ];
    const awsResources = review.registered.filter((r) => r.type.startsWith("aws:") && !untaggable.some((t) => r.type.endsWith(t)));
    expect(awsResources.length).toBeGreaterThanOrEqual(20);
    for (const r of awsResources) {
      const tags = inputs(r).tags;
      expect(tags, `${r.type} ${r.name}`).toMatchObject({ project: "polystore", stack: "pr-17", owner: "data-team", "cost-centre": "cc-42" });
      expect(AWS_STORES as readonly string[], `${r.type} ${r.name}`).toContain(tags.store);
    }
  });

  it("writes one Secrets Manager secret per store with the same variable names as the .env file", async () => {
    const secrets = ofType(review.registered, "secretsmanager/secret:Secret").map(inputs);
    expect(secrets.map((s) => s.name).sort()).toEqual(AWS_STORES.map((k) => `polystore/pr-17/${k}`).sort());
    for (const s of secrets) expect(s.recoveryWindowInDays).toBe(0);
    for (const kind of AWS_STORES) {
      const v = resource(review.registered, "secretsmanager/secretVersion:SecretVersion", `${kind}-connection-secret-version`);
      expect(isSecretInput(v.inputs.secretString)).toBe(true);
      const body = JSON.parse(inputs(v).secretString);
      expect(body).toEqual(await valueOf(review.program.stores[kind]!.env));
    }
    const pgBody = JSON.parse(inputs(resource(review.registered, "secretVersion:SecretVersion", "postgres-connection-secret-version")).secretString);
    expect(pgBody.DATABASE_URL).toBe("postgresql://app_user:mock-postgres-app-password-pw@postgres-db.mock.internal:5432/app?sslmode=require");
    expect(JSON.stringify(pgBody)).not.toContain("admin-password");
    expect(ofType(review.registered, "DotEnvFile")).toHaveLength(0);
    expect(await valueOf(review.program.outputs.connectionSecrets)).toEqual([
      { sink: "aws-secrets-manager", stores: [...AWS_STORES], location: AWS_STORES.map((k) => `polystore/pr-17/${k}`).join(", ") },
    ]);
  });

  it("production keeps deleted secrets recoverable for 30 days, encrypted with the stack's key", () => {
    const secrets = ofType(prod.registered, "secretsmanager/secret:Secret").map(inputs);
    expect(secrets.map((s) => s.name).sort()).toEqual(AWS_STORES.map((k) => `polystore/prod/${k}`).sort());
    for (const s of secrets) {
      expect(s.recoveryWindowInDays).toBe(30);
      expect(s.kmsKeyId).toBe(PROD.aws.kmsKeyArn);
    }
  });

  it("keeps passwords and connection strings secret in outputs", async () => {
    for (const kind of AWS_STORES) {
      const s = review.program.stores[kind]!;
      expect(await isSecretOutput(s.connection)).toBe(true);
      expect(await isSecretOutput(s.connectionUrl)).toBe(true);
      expect(await isSecretOutput(s.adminCredentials)).toBe(true);
      expect(await isSecretOutput(s.env)).toBe(true);
    }
  });

  it("runs init scripts from the machine running Pulumi by default, and not at all with initScripts: none", async () => {
    expect(review.localInit.sort()).toEqual([...AWS_STORES].sort());
    const none = await evaluate({ ...REVIEW, aws: { ...AWS_NETWORK, initScripts: "none" } }, "pr-18");
    expect(none.localInit).toEqual([]);
  });
});

describe("aws target: configuration errors name the key", () => {
  it("AOF on ElastiCache is rejected, not dropped", () => {
    const p = problemsOf({ ...REVIEW, stores: { redis: { appendonly: true, aws: { service: "elasticache" } } } });
    expect(p).toHaveLength(1);
    expect(p[0]).toContain("polystore:stores.redis.aws.service");
    expect(p[0]).toContain("ElastiCache has no AOF");
    expect(p[0]).toContain("polystore:stores.redis.appendonly");
  });

  it("a missing VPC, subnets and allowed clients are all reported at once", () => {
    const p = problemsOf({ target: "aws", stores: { postgres: {}, redis: {} } });
    expect(p.find((l) => l.startsWith("polystore:aws.vpcId:"))).toContain("postgres, redis");
    expect(p.find((l) => l.startsWith("polystore:aws.subnetIds:"))).toContain("two private subnet");
    expect(p.find((l) => l.startsWith("polystore:aws.allowedSecurityGroupIds:"))).toContain("polystore:aws.allowedCidrs");
  });

  it.each([
    ["a VPC id of the wrong shape", { aws: { ...AWS_NETWORK, vpcId: "vpc-xyz" } }, "polystore:aws.vpcId", "expected a VPC id"],
    ["one subnet", { aws: { ...AWS_NETWORK, subnetIds: ["subnet-0123456789abcdef0"] } }, "polystore:aws.subnetIds", "at least 2"],
    ["a bad CIDR", { aws: { ...AWS_NETWORK, allowedCidrs: ["10.0.0.0/40"] } }, "polystore:aws.allowedCidrs[0]", "the prefix length of an IPv4 block is 0 to 32"],
    ["an unknown aws key", { aws: { ...AWS_NETWORK, vpc: "x" } }, "polystore:aws.vpc", "unknown key"],
    ["PostgreSQL 15", { stores: { postgres: { aws: { engineVersion: "15.7" } } } }, "polystore:stores.postgres.aws.engineVersion", "PostgreSQL 16"],
    ["backups kept 0 days", { stores: { postgres: { aws: { backupRetentionDays: 0 } } } }, "polystore:stores.postgres.aws.backupRetentionDays", "at least 1"],
    ["an unknown Redis service", { stores: { redis: { aws: { service: "redis-cloud" } } } }, "polystore:stores.redis.aws.service", "memorydb, elasticache"],
    ["failover without replicas", { stores: { redis: { aws: { automaticFailover: true, replicas: 0 } } } }, "polystore:stores.redis.aws.automaticFailover", "replica"],
    ["a MemoryDB user name with _", { stores: { redis: { appUser: "app_user" } } }, "polystore:stores.redis.appUser", "MemoryDB user names"],
    ["an odd zone-aware node count", { stores: { elasticsearch: { aws: { instanceCount: 3 } } } }, "polystore:stores.elasticsearch.aws.instanceCount", "even"],
    ["aws settings on a docker store", { stores: { postgres: { target: "docker", aws: {} } } }, "polystore:stores.postgres.aws", "only used with target aws"],
  ])("%s", (_case, patch, key, fragment) => {
    const raw = { ...REVIEW, ...patch, stores: (patch as { stores?: object }).stores ?? REVIEW.stores };
    const line = problemsOf(raw).find((l) => l.startsWith(`${key}:`));
    expect(line, `no problem for ${key}`).toBeDefined();
    expect(line).toContain(fragment);
  });
});

describe("aws target: physical names", () => {
  it("keeps names within AWS limits and distinct when a long stack name must be shortened", () => {
    expect(awsName(["polystore", "prod", "redis", "admin"], 40)).toBe("polystore-prod-redis-admin");
    expect(awsName(["ps", "Review_PR.42", "es"], 28)).toBe("ps-review-pr-42-es");
    const stack = "review-pr-12345-a-very-long-feature-branch-name";
    const admin = awsName(["polystore", stack, "redis", "admin"], 40);
    const app = awsName(["polystore", stack, "redis", "app"], 40);
    for (const n of [admin, app]) {
      expect(n.length).toBeLessThanOrEqual(40);
      expect(n).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
      expect(n).not.toContain("--");
    }
    expect(admin).not.toBe(app);
    expect(awsName(["ps", "Review_PR.42", "elasticsearch"], 28)).toMatch(/^[a-z][a-z0-9-]{2,27}$/);
  });
});
