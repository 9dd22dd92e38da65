import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { isSecretInput } from "../../util/mocks";
import { isSecretOutput, valueOf } from "../../util/outputs";
import { STORE_KINDS, type StoreKind } from "../../../components/core/types";
import { FS_GROUP, INIT_CONNECTION_ENV, initCommand, readInitScripts } from "../../../components/targets/kubernetes";
import { evaluate, inputs, ofType, problemsOf, resource, type Evaluated } from "./harness";

const RUNNER = "registry.example.com/platform/polystore-runner:0.1.0";
/** Test stack: all six stores on kubernetes. */
const ALL_ON_K8S = {
  target: "kubernetes",
  owner: "data-team",
  costCentre: "cc-42",
  kubernetes: { runnerImage: RUNNER, storageClassName: "gp3" },
  stores: {
    postgres: { kubernetes: { storageGb: 20 } },
    redis: {},
    mongodb: {},
    elasticsearch: {},
    clickhouse: { database: "analytics" },
    neo4j: { kubernetes: { storageClassName: "fast-ssd", cpuLimit: "2" } },
  },
};

/**
 * What each StatefulSet must run, written out here rather than computed by the spec builders
 * under test (components/<store>/spec): images pinned as in README.md, Redis with the seeds'
 * settings (maxmemory 512mb, allkeys-lru, AOF everysec, idle timeout 300) and its app ACL.
 */
const EXPECTED: Record<StoreKind, {
  image: string; args?: string[]; env: Record<string, string>; health: string; ports: number[]; memoryMb: number; dataPath: string; secretEnv: string[];
}> = {
  postgres: {
    image: "postgres:16.15-alpine",
    args: ["postgres", "-c", "max_connections=100", "-c", "password_encryption=scram-sha-256"],
    env: { POSTGRES_USER: "polystore_admin", POSTGRES_DB: "app", POSTGRES_INITDB_ARGS: "--auth-host=scram-sha-256 --auth-local=scram-sha-256", PGDATA: "/var/lib/postgresql/data/pgdata" },
    health: "pg_isready -h 127.0.0.1 -U polystore_admin -d app",
    ports: [5432], memoryMb: 384, dataPath: "/var/lib/postgresql/data", secretEnv: ["POSTGRES_PASSWORD"],
  },
  redis: {
    image: "redis:7.4.11-alpine",
    args: [
      "sh", "-c",
      [
        'exec docker-entrypoint.sh redis-server "$@" - <<POLYSTORE_REDIS_CONF',
        `user default reset on #$(printf %s "$REDIS_PASSWORD" | sha256sum | cut -d' ' -f1) ~* &* +@all`,
        `user app reset on #$(printf %s "$REDIS_APP_PASSWORD" | sha256sum | cut -d' ' -f1) ` +
          "~session:* ~user:* ~cache:* ~lock:* resetchannels &session:* &user:* &cache:* &lock:* +@all -@admin -@dangerous +info " +
          "-flushall -flushdb -config -debug -keys -shutdown -monitor -acl -script|flush -script|kill -@scripting -scan -randomkey " +
          "-move -copy -select -client|tracking -client|caching -pubsub|channels -pubsub|numsub -pubsub|numpat -pubsub|shardchannels " +
          "-pubsub|shardnumsub +select|0",
        "POLYSTORE_REDIS_CONF",
      ].join("\n"),
      "redis-server",
      "--maxmemory", "512mb", "--maxmemory-policy", "allkeys-lru", "--appendonly", "yes", "--appendfsync", "everysec", "--timeout", "300",
      "--protected-mode", "yes", "--dir", "/data",
    ],
    env: {},
    health: 'REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -h 127.0.0.1 ping | grep -q PONG',
    ports: [6379], memoryMb: 960, dataPath: "/data", secretEnv: ["REDIS_APP_PASSWORD", "REDIS_PASSWORD"],
  },
  mongodb: {
    image: "mongo:7.0.40",
    args: ["mongod", "--auth", "--bind_ip_all", "--wiredTigerCacheSizeGB", "0.25"],
    env: { MONGO_INITDB_ROOT_USERNAME: "polystore_admin", MONGO_INITDB_DATABASE: "app" },
    health: "mongosh --quiet --norc --eval \"db.adminCommand('ping').ok\" | grep -q 1",
    ports: [27017], memoryMb: 384, dataPath: "/data/db", secretEnv: ["MONGO_INITDB_ROOT_PASSWORD"],
  },
  elasticsearch: {
    image: "docker.elastic.co/elasticsearch/elasticsearch:8.14.3",
    env: {
      "discovery.type": "single-node", "xpack.security.enabled": "true", "xpack.security.http.ssl.enabled": "false", "xpack.security.transport.ssl.enabled": "false",
      "action.destructive_requires_name": "true", "cluster.routing.allocation.disk.threshold_enabled": "false", ES_JAVA_OPTS: "-Xms320m -Xmx320m",
    },
    health: 'curl -fsS -u "elastic:$ELASTIC_PASSWORD" "http://127.0.0.1:9200/_cluster/health?wait_for_status=yellow&timeout=5s" | grep -qE \'"status":"(green|yellow)"\'',
    ports: [9200], memoryMb: 896, dataPath: "/usr/share/elasticsearch/data", secretEnv: ["ELASTIC_PASSWORD"],
  },
  clickhouse: {
    image: "clickhouse/clickhouse-server:24.8.14.39",
    env: { CLICKHOUSE_USER: "polystore_admin", CLICKHOUSE_DB: "analytics", CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT: "1" },
    health: 'clickhouse-client --query "SELECT 1"',
    ports: [8123, 9000], memoryMb: 576, dataPath: "/var/lib/clickhouse", secretEnv: ["CLICKHOUSE_PASSWORD"],
  },
  neo4j: {
    image: "neo4j:5.26.29-community",
    env: {
      NEO4J_server_memory_heap_initial__size: "384m", NEO4J_server_memory_heap_max__size: "384m", NEO4J_server_memory_pagecache_size: "128m",
      NEO4J_dbms_security_auth__enabled: "true",
    },
    health: 'NEO4J_PASSWORD="${NEO4J_AUTH#neo4j/}" cypher-shell -a bolt://127.0.0.1:7687 -u neo4j "RETURN 1" >/dev/null',
    ports: [7687, 7474], memoryMb: 896, dataPath: "/data", secretEnv: ["NEO4J_AUTH"],
  },
};

let k8s: Evaluated;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const sts = (kind: string): Record<string, any> => inputs(resource(k8s.registered, "apps/v1:StatefulSet", `${kind}-statefulset`));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const container = (kind: string): Record<string, any> => sts(kind).spec.template.spec.containers[0];

beforeAll(async () => {
  k8s = await evaluate(ALL_ON_K8S, "review-3");
});

describe("kubernetes target: one namespace per stack", () => {
  it("creates namespace polystore-<stack>, labelled with the stack's tags, with the ambient provider", () => {
    const ns = ofType(k8s.registered, "core/v1:Namespace");
    expect(ns).toHaveLength(1);
    expect(inputs(ns[0]!).metadata.name).toBe("polystore-review-3");
    expect(inputs(ns[0]!).metadata.labels).toMatchObject({ "polystore.io/stack": "review-3", "polystore.io/owner": "data-team", "polystore.io/cost-centre": "cc-42" });
    expect(ofType(k8s.registered, "pulumi:providers:kubernetes")).toHaveLength(0); // ambient cluster access
    // keepDataOnDestroy (default true): `pulumi destroy` leaves the namespace, and so the PVCs in it.
    expect(ns[0]!.options.retainOnDelete).toBe(true);
    expect(ns[0]!.options.protect).toBe(false);
  });

  it("puts every store's resources in that namespace", () => {
    const namespaced = k8s.registered.filter((r) => r.type.startsWith("kubernetes:") && !r.type.endsWith("Namespace"));
    expect(namespaced.length).toBeGreaterThanOrEqual(6 * 7);
    for (const r of namespaced) expect(inputs(r).metadata.namespace, `${r.type} ${r.name}`).toBe("polystore-review-3");
  });
});

describe.each(STORE_KINDS)("kubernetes target: %s as a StatefulSet", (kind) => {
  it("renders the pinned image, command, env and health check (literals, not the spec builders' output)", () => {
    const want = EXPECTED[kind];
    const c = container(kind);
    expect(c.image).toBe(want.image);
    expect(c.args).toEqual(want.args);
    expect(c.command).toBeUndefined(); // the image's entrypoint stays, as on Docker
    const plain = Object.fromEntries(c.env.filter((e: { value?: string }) => e.value !== undefined).map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(plain).toEqual(want.env);
    expect(c.readinessProbe.exec.command).toEqual(["sh", "-c", want.health]);
    expect(c.startupProbe.exec.command).toEqual(["sh", "-c", want.health]);
    expect(c.livenessProbe.tcpSocket.port).toBe(want.ports[0]);
    expect(c.ports.map((p: { containerPort: number }) => p.containerPort)).toEqual(want.ports);
  });

  it("takes passwords from its admin Secret through secretKeyRef, never as literal values", () => {
    const c = container(kind);
    const refs = c.env.filter((e: { valueFrom?: unknown }) => e.valueFrom);
    expect(refs.map((e: { name: string }) => e.name).sort()).toEqual(EXPECTED[kind].secretEnv);
    for (const r of refs) expect(r.valueFrom.secretKeyRef).toEqual({ name: `${kind}-admin`, key: r.name });
    expect(JSON.stringify(sts(kind))).not.toContain("mock-");
    const secret = resource(k8s.registered, "core/v1:Secret", `${kind}-admin`);
    expect(isSecretInput(secret.inputs.stringData)).toBe(true);
    expect(Object.keys(inputs(secret).stringData).sort()).toEqual(EXPECTED[kind].secretEnv);
    expect(JSON.stringify(inputs(secret).stringData)).toContain(`mock-${kind}-admin-password-pw`);
  });

  it("limits memory to the spec's memoryMb and requests the same, with CPU from config", () => {
    const r = container(kind).resources;
    const mb = `${EXPECTED[kind].memoryMb}Mi`;
    expect(r.requests.memory).toBe(mb);
    expect(r.limits.memory).toBe(mb);
    expect(r.requests.cpu).toBe("250m");
    expect(r.limits.cpu).toBe(kind === "neo4j" ? "2" : "1");
  });

  it("keeps its data on a PVC template that is retained on delete and scale-down", () => {
    const s = sts(kind).spec;
    expect(s.replicas).toBe(1);
    expect(s.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
    const t = s.volumeClaimTemplates[0];
    expect(t.metadata.name).toBe("data");
    expect(t.spec.accessModes).toEqual(["ReadWriteOnce"]);
    expect(t.spec.resources.requests.storage).toBe(kind === "postgres" ? "20Gi" : "10Gi");
    expect(t.spec.storageClassName).toBe(kind === "neo4j" ? "fast-ssd" : "gp3");
    expect(container(kind).volumeMounts).toEqual([{ name: "data", mountPath: EXPECTED[kind].dataPath }]);
    expect(s.template.spec.securityContext.fsGroup).toBe(FS_GROUP[kind]);
    expect(s.template.spec.enableServiceLinks).toBe(false);
  });

  it("has a headless Service governing it and a ClusterIP Service clients use", async () => {
    const headless = inputs(resource(k8s.registered, "core/v1:Service", `${kind}-headless`));
    const svc = inputs(resource(k8s.registered, "core/v1:Service", `${kind}-service`));
    expect(headless.spec.clusterIP).toBe("None");
    expect(sts(kind).spec.serviceName).toBe(`${kind}-headless`);
    expect(svc.spec.type).toBe("ClusterIP");
    expect(svc.metadata.name).toBe(kind);
    expect(svc.spec.selector).toEqual(sts(kind).spec.selector.matchLabels);
    expect(await valueOf(k8s.program.stores[kind]!.host)).toBe(`${kind}.polystore-review-3.svc.cluster.local`);
    expect(sts(kind).metadata.annotations["pulumi.com/skipAwait"]).toBe("false");
  });

  it("runs its init scripts as a Job in the namespace, after the StatefulSet is ready", () => {
    const jobs = ofType(k8s.registered, "batch/v1:Job").filter((j) => j.name.startsWith(`${kind}-init-`));
    expect(jobs).toHaveLength(1);
    const job = jobs[0]!;
    const hash = job.name.slice(`${kind}-init-`.length);
    expect(hash).toMatch(/^[0-9a-f]{10}$/);
    const j = inputs(job);
    const c = j.spec.template.spec.containers[0];
    expect(c.image).toBe(RUNNER);
    expect(c.command).toEqual(["npm", "run", "migrate", "--", "apply", "--store", kind, "--connections-env", "POLYSTORE_INIT_CONNECTION"]);
    expect(c.env).toEqual([{ name: INIT_CONNECTION_ENV, valueFrom: { secretKeyRef: { name: `${kind}-init-connection-mock`, key: INIT_CONNECTION_ENV } } }]);
    expect(c.volumeMounts).toEqual([{ name: "scripts", mountPath: `/app/init-scripts/${kind}`, readOnly: true }]);
    expect(j.spec.template.spec.volumes).toEqual([{ name: "scripts", configMap: { name: `${kind}-init-scripts-${hash}-mock` } }]);
    expect(j.spec.template.spec.restartPolicy).toBe("Never");
    expect(j.metadata.annotations["pulumi.com/skipAwait"]).toBe("false");
    expect(job.dependencies!.some((u) => u.endsWith(`::${kind}-statefulset`))).toBe(true);
  });

  it("mounts exactly the files of its init-scripts folder from an immutable ConfigMap", () => {
    const job = ofType(k8s.registered, "batch/v1:Job").find((j) => j.name.startsWith(`${kind}-init-`))!;
    const hash = job.name.slice(`${kind}-init-`.length);
    const cm = inputs(resource(k8s.registered, "core/v1:ConfigMap", `${kind}-init-scripts-${hash}`));
    expect(cm.immutable).toBe(true);
    const dir = path.resolve("init-scripts", kind);
    const files = fs.readdirSync(dir).filter((f) => !f.startsWith(".") && fs.statSync(path.join(dir, f)).isFile()).sort();
    expect(Object.keys(cm.data ?? {}).sort()).toEqual(files);
    for (const f of files) expect(cm.data[f]).toBe(fs.readFileSync(path.join(dir, f), "utf8").replace(/\r\n/g, "\n"));
  });

  it("gives the Job the admin + app connection in a Secret (secret input), reaching the store inside the cluster", () => {
    const secret = resource(k8s.registered, "core/v1:Secret", `${kind}-init-connection`);
    expect(isSecretInput(secret.inputs.stringData)).toBe(true);
    const conn = JSON.parse(inputs(secret).stringData[INIT_CONNECTION_ENV])[kind];
    expect(conn).toMatchObject({ kind, host: `${kind}.polystore-review-3.svc.cluster.local`, tls: false });
    expect(conn.admin.password).toBe(`mock-${kind}-admin-password-pw`);
    expect(conn.app.password).toBe(`mock-${kind}-app-password-pw`);
  });
});

describe("kubernetes target: containers drop root and keep passwords out of argv", () => {
  it("gives Redis's volume the alpine image's redis group (1000), the user its entrypoint drops to", () => {
    expect(FS_GROUP.redis).toBe(1000);
    expect(sts("redis").spec.template.spec.securityContext.fsGroup).toBe(1000);
    expect(container("redis").args[2]).toMatch(/^exec docker-entrypoint\.sh redis-server /);
  });

  it.each(["neo4j", "clickhouse"])("%s: probes carry no password flag", (kind) => {
    const probe = container(kind).readinessProbe.exec.command.join(" ");
    expect(probe).not.toMatch(/\s(-p|--password)\b/);
  });
});

describe("kubernetes target: init, secrets, options", () => {
  it("does not run init scripts from the machine running Pulumi", () => {
    expect(k8s.localInit).toEqual([]);
  });

  it("uses the runner command line of stacks/migrate.ts", () => {
    expect(initCommand("neo4j").join(" ")).toBe("npm run migrate -- apply --store neo4j --connections-env POLYSTORE_INIT_CONNECTION");
  });

  it("names the Job after a hash of the scripts: a changed script makes a new Job", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "polystore-scripts-"));
    const ref = { dir, key: "polystore:stores.postgres.initScripts" };
    fs.writeFileSync(path.join(dir, "001_a.sql"), "CREATE TABLE a (id int);\n");
    const first = readInitScripts("postgres", ref);
    expect(readInitScripts("postgres", ref).hash).toBe(first.hash);
    fs.writeFileSync(path.join(dir, "001_a.sql"), "CREATE TABLE a (id bigint);\n");
    const changed = readInitScripts("postgres", ref);
    expect(changed.hash).not.toBe(first.hash);
    fs.writeFileSync(path.join(dir, "002_b.sql"), "SELECT 1;\n");
    expect(readInitScripts("postgres", ref).hash).not.toBe(changed.hash);
    expect(Object.keys(readInitScripts("postgres", ref).files)).toEqual(["001_a.sql", "002_b.sql"]);
    fs.rmSync(dir, { recursive: true });
    expect(() => readInitScripts("postgres", ref)).toThrow(/polystore:stores\.postgres\.initScripts: .* is not a folder/);
  });

  it("writes one Kubernetes Secret with every store's application variables (secret input)", async () => {
    const secrets = ofType(k8s.registered, "core/v1:Secret").filter((s) => s.name === "connections-secret");
    expect(secrets).toHaveLength(1);
    expect(inputs(secrets[0]!).metadata.name).toBe("polystore-connections");
    expect(isSecretInput(secrets[0]!.inputs.stringData)).toBe(true);
    expect(inputs(secrets[0]!).stringData).toEqual(await valueOf(k8s.program.outputs.env));
    expect(inputs(secrets[0]!).stringData.DATABASE_URL).toBe("postgresql://app_user:mock-postgres-app-password-pw@postgres.polystore-review-3.svc.cluster.local:5432/app");
    expect(await valueOf(k8s.program.outputs.connectionSecrets)).toEqual([
      { sink: "kubernetes-secret", stores: [...STORE_KINDS], location: "polystore-review-3/polystore-connections" },
    ]);
    expect(await isSecretOutput(k8s.program.outputs.connections)).toBe(true);
  });

  it("uses a provider from a secret kubeconfig, an existing namespace, and no Jobs when init scripts are off", async () => {
    const e = await evaluate(
      {
        ...ALL_ON_K8S,
        kubernetes: { kubeconfig: "apiVersion: v1\nkind: Config\n", context: "prod", namespace: "data", createNamespace: false, backup: { enabled: false } },
        initScripts: { enabled: false },
      },
      "review-4",
    );
    const provider = resource(e.registered, "pulumi:providers:kubernetes", "kubernetes");
    expect(isSecretInput(provider.inputs.kubeconfig)).toBe(true);
    expect(inputs(provider).context).toBe("prod");
    expect(ofType(e.registered, "core/v1:Namespace")).toHaveLength(0);
    expect(ofType(e.registered, "batch/v1:Job")).toHaveLength(0);
    expect(inputs(resource(e.registered, "apps/v1:StatefulSet", "redis-statefulset")).metadata.namespace).toBe("data");
  });

  it("requires a runner image when init scripts run in the cluster, and rejects a floating one", () => {
    const missing = problemsOf({ ...ALL_ON_K8S, kubernetes: {} });
    expect(missing.find((l) => l.startsWith("polystore:kubernetes.runnerImage:"))).toContain("required when a store's target is kubernetes");
    const latest = problemsOf({ ...ALL_ON_K8S, kubernetes: { runnerImage: "polystore-runner:latest" } });
    expect(latest.find((l) => l.startsWith("polystore:kubernetes.runnerImage:"))).toContain("pinned");
    const blocked = problemsOf({ target: "docker", stores: { redis: { kubernetes: {} } } });
    expect(blocked[0]).toContain("polystore:stores.redis.kubernetes: only used with target kubernetes");
    const badNs = problemsOf({ ...ALL_ON_K8S, kubernetes: { runnerImage: RUNNER, namespace: "Data_NS" } });
    expect(badNs[0]).toContain("polystore:kubernetes.namespace");
  });
});
