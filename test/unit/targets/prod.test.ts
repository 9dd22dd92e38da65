import * as fs from "fs";
import { beforeAll, describe, expect, it } from "vitest";
import { isSecretInput } from "../../util/mocks";
import { isSecretOutput, valueOf } from "../../util/outputs";
import { stackFileConfig } from "../../util/stack";
import { parseConfig } from "../../../stacks/config";
import { STORE_KINDS } from "../../../components/core/types";
import { evaluate, inputs, ofType, problemsOf, resource, type Evaluated } from "./harness";

const PROD_FILE = "Pulumi.prod.yaml";
let prod: Evaluated;

/** Every password the prod stack generates (one admin and one application password per store, OpenSearch's master). */
const PROD_PASSWORDS = [
  "clickhouse-admin-password", "clickhouse-app-password", "elasticsearch-admin-password", "elasticsearch-app-password", "elasticsearch-master-password",
  "mongodb-admin-password", "mongodb-app-password", "neo4j-admin-password", "neo4j-app-password", "postgres-admin-password", "postgres-app-password",
  "redis-admin-password", "redis-app-password",
];
const raw = () => stackFileConfig(PROD_FILE);

beforeAll(async () => {
  prod = await evaluate(raw(), "prod");
});

describe("Pulumi.prod.yaml", () => {
  it("validates and evaluates without errors", () => {
    expect(() => parseConfig(raw())).not.toThrow();
    expect(Object.keys(prod.program.stores).sort()).toEqual([...STORE_KINDS].sort());
  });

  it("puts PostgreSQL, Redis, MongoDB and Elasticsearch on AWS, ClickHouse and Neo4j on Kubernetes", async () => {
    const summary = await valueOf(prod.program.outputs.stores);
    expect(Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, v.target]))).toEqual({
      postgres: "aws",
      redis: "aws",
      mongodb: "aws",
      elasticsearch: "aws",
      clickhouse: "kubernetes",
      neo4j: "kubernetes",
    });
    expect(ofType(prod.registered, "rds/instance:Instance")).toHaveLength(1);
    expect(ofType(prod.registered, "memorydb/cluster:Cluster")).toHaveLength(1);
    expect(ofType(prod.registered, "docdb/cluster:Cluster")).toHaveLength(1);
    expect(ofType(prod.registered, "opensearch/domain:Domain")).toHaveLength(1);
    expect(ofType(prod.registered, "apps/v1:StatefulSet").map((r) => r.name).sort()).toEqual(["clickhouse-statefulset", "neo4j-statefulset"]);
    expect(ofType(prod.registered, "batch/v1:Job")).toHaveLength(2);
  });

  it("uses production defaults: Multi-AZ, deletion protection, final snapshots, 7+ days of backups, encryption, TLS", () => {
    const db = inputs(resource(prod.registered, "rds/instance:Instance", "postgres-db"));
    expect(db).toMatchObject({ multiAz: true, deletionProtection: true, skipFinalSnapshot: false, storageEncrypted: true, publiclyAccessible: false });
    expect(db.backupRetentionPeriod).toBeGreaterThanOrEqual(7);
    const pg = inputs(resource(prod.registered, "rds/parameterGroup:ParameterGroup", "postgres-params"));
    expect(pg.parameters).toContainEqual({ name: "rds.force_ssl", value: "1" });

    const redis = inputs(resource(prod.registered, "memorydb/cluster:Cluster", "redis-cluster"));
    expect(redis).toMatchObject({ tlsEnabled: true, numReplicasPerShard: 1, finalSnapshotName: "polystore-prod-redis-final" });
    expect(redis.snapshotRetentionLimit).toBeGreaterThanOrEqual(7);

    const doc = inputs(resource(prod.registered, "docdb/cluster:Cluster", "mongodb-cluster"));
    expect(doc).toMatchObject({ deletionProtection: true, skipFinalSnapshot: false, storageEncrypted: true });
    expect(doc.backupRetentionPeriod).toBeGreaterThanOrEqual(7);
    expect(ofType(prod.registered, "docdb/clusterInstance:ClusterInstance")).toHaveLength(2);
    const docParams = inputs(resource(prod.registered, "docdb/clusterParameterGroup:ClusterParameterGroup", "mongodb-params"));
    expect(docParams.parameters).toContainEqual({ name: "tls", value: "enabled", applyMethod: "pending-reboot" });

    const os = inputs(resource(prod.registered, "opensearch/domain:Domain", "elasticsearch-domain"));
    expect(os.clusterConfig).toMatchObject({ instanceCount: 2, zoneAwarenessEnabled: true });
    expect(os.encryptAtRest.enabled).toBe(true);
    expect(os.nodeToNodeEncryption.enabled).toBe(true);
    expect(os.domainEndpointOptions.enforceHttps).toBe(true);
  });

  it("protects the AWS stores without a deletion-protection flag (MemoryDB, OpenSearch) with Pulumi's protect option", () => {
    // RDS and DocumentDB carry AWS's own deletionProtection (above); these two only have `protect`.
    expect(resource(prod.registered, "memorydb/cluster:Cluster", "redis-cluster").options.protect).toBe(true);
    expect(resource(prod.registered, "opensearch/domain:Domain", "elasticsearch-domain").options.protect).toBe(true);
    const protectedNames = prod.registered.filter((r) => r.options.protect).map((r) => r.name).sort();
    expect(protectedNames).toEqual(["elasticsearch-domain", "redis-cluster"]);
  });

  it("generates every password with RandomPassword: 32 characters, alphanumeric (OpenSearch's master: 2+ of -_.)", () => {
    const passwords = ofType(prod.registered, "random:index/randomPassword:RandomPassword");
    expect(passwords.map((p) => p.name).sort()).toEqual(PROD_PASSWORDS);
    for (const p of passwords) {
      const want = p.name === "elasticsearch-master-password"
        ? { length: 32, special: true, overrideSpecial: "-_.", minSpecial: 2, minLower: 4, minUpper: 4, minNumeric: 4 }
        : { length: 32, special: false, minLower: 4, minUpper: 4, minNumeric: 4 };
      expect(inputs(p), p.name).toEqual(want);
    }
  });

  it("keeps Redis's AOF durability by choosing MemoryDB", () => {
    const cfg = parseConfig(raw());
    expect(cfg.stores.redis!.appendonly).toBe(true);
    expect(ofType(prod.registered, "elasticache/replicationGroup:ReplicationGroup")).toHaveLength(0);
  });

  it("marks every password and connection string secret, in outputs and in resource inputs", async () => {
    for (const o of [prod.program.outputs.connections, prod.program.outputs.env]) expect(await isSecretOutput(o)).toBe(true);
    for (const kind of STORE_KINDS) {
      const s = prod.program.stores[kind]!;
      for (const o of [s.adminCredentials, s.appCredentials, s.connection, s.connectionUrl, s.env]) expect(await isSecretOutput(o)).toBe(true);
    }
    expect(isSecretInput(resource(prod.registered, "rds/instance:Instance", "postgres-db").inputs.password)).toBe(true);
    expect(isSecretInput(resource(prod.registered, "docdb/cluster:Cluster", "mongodb-cluster").inputs.masterPassword)).toBe(true);
    expect(isSecretInput(resource(prod.registered, "opensearch/domain:Domain", "elasticsearch-domain").inputs.advancedSecurityOptions)).toBe(true);
    const versions = ofType(prod.registered, "secretsmanager/secretVersion:SecretVersion");
    expect(versions.map((v) => v.name).sort()).toEqual(["elasticsearch", "mongodb", "postgres", "redis"].map((k) => `${k}-connection-secret-version`));
    for (const v of versions) expect(isSecretInput(v.inputs.secretString)).toBe(true);
    const k8sSecrets = ofType(prod.registered, "core/v1:Secret");
    expect(k8sSecrets.map((s) => s.name).sort()).toEqual(["backups-connections", "clickhouse-admin", "clickhouse-init-connection", "connections-secret", "neo4j-admin", "neo4j-init-connection"]);
    for (const s of k8sSecrets) expect(isSecretInput(s.inputs.stringData), s.name).toBe(true);
    // No password appears outside a secret anywhere in what was registered.
    const plainParts = prod.registered.map((r) => JSON.stringify(r.inputs, (_k, v) => (v && typeof v === "object" && "4dabf18193072939515e22adb298388d" in v ? "[secret]" : v)));
    expect(plainParts.join("\n")).not.toMatch(/mock-[a-z0-9-]+-pw/);
  });

  it("writes AWS stores' connection details to Secrets Manager and the cluster stores' to a Kubernetes Secret", async () => {
    expect(await valueOf(prod.program.outputs.connectionSecrets)).toEqual([
      {
        sink: "aws-secrets-manager",
        stores: ["postgres", "redis", "mongodb", "elasticsearch"],
        location: "polystore/prod/postgres, polystore/prod/redis, polystore/prod/mongodb, polystore/prod/elasticsearch",
      },
      { sink: "kubernetes-secret", stores: ["clickhouse", "neo4j"], location: "polystore-prod/polystore-connections" },
    ]);
    expect(ofType(prod.registered, "DotEnvFile")).toHaveLength(0);
  });

  it("marks its placeholder ids for replacement", () => {
    const text = fs.readFileSync(PROD_FILE, "utf8");
    expect(text).toMatch(/PLACEHOLDER/);
    expect(text).toContain("vpc-0123456789abcdef0");
    expect(text).toContain("docs/targets.md");
  });

  it("reports several mistakes at once, each naming its key", () => {
    const cfg = raw();
    const broken = {
      ...cfg,
      aws: { production: true },
      stores: { ...(cfg.stores as object), redis: { appendonly: true, aws: { service: "elasticache" } } },
    };
    const p = problemsOf(broken);
    for (const key of ["polystore:aws.vpcId", "polystore:aws.subnetIds", "polystore:aws.allowedSecurityGroupIds", "polystore:stores.redis.aws.service"]) {
      expect(p.some((l) => l.startsWith(`${key}:`)), key).toBe(true);
    }
    const onAws = problemsOf({ ...cfg, stores: { ...(cfg.stores as object), neo4j: { target: "aws" } } });
    expect(onAws).toEqual(["polystore:stores.neo4j.target: AWS has no managed Neo4j: use target kubernetes, or external (e.g. Neo4j Aura)"]);
  });
});
