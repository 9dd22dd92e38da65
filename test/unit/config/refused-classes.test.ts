import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, namespaceTypos, parseConfig, rawNamespace, type ParseOptions } from "../../../stacks/config";
import { definePolystore } from "../../../stacks/program";
import { renderDotEnv } from "../../../components/secrets/dotenv-text";
import { installMocks } from "../../util/mocks";
import { ROOT, stackFileConfig } from "../../util/stack";

/** The valid shipped configurations every case starts from. */
const dev = () => structuredClone(stackFileConfig("Pulumi.dev.yaml"));
const prod = () => structuredClone(stackFileConfig("Pulumi.prod.yaml"));

/** Sets `value` at a dotted path inside a raw config (objects created as needed). */
function set(raw: Record<string, unknown>, dotted: string, value: unknown): Record<string, unknown> {
  const keys = dotted.split(".");
  let node = raw as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
  node[keys.at(-1)!] = value;
  return raw;
}

function problems(raw: Record<string, unknown>, options?: ParseOptions): string[] {
  try {
    parseConfig(raw, options);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error("expected the configuration to be refused");
}

/** [case, a valid config with one thing broken, the exact problem line]. */
type Case = [string, () => Record<string, unknown>, string];

const MEMORY: Case[] = [
  ["Redis maxmemory above 75% of the container", () => set(dev(), "stores.redis.memoryMb", 576),
    'polystore:stores.redis.maxmemoryMb: 512 MB leaves too little of the 576 MB container (polystore:stores.redis.memoryMb) for the fork of an AOF rewrite or RDB save, which "may use up to 2 times the memory normally used" (redis.io, administration), and for client and AOF buffers; expected at most 75% of memoryMb (432), or memoryMb at least 683'],
  ["Redis maxmemory above the container", () => set(dev(), "stores.redis.maxmemoryMb", 1024),
    'polystore:stores.redis.maxmemoryMb: 1024 MB leaves too little of the 960 MB container (polystore:stores.redis.memoryMb) for the fork of an AOF rewrite or RDB save, which "may use up to 2 times the memory normally used" (redis.io, administration), and for client and AOF buffers; expected at most 75% of memoryMb (720), or memoryMb at least 1366'],
  ["Elasticsearch heap above half the container", () => set(dev(), "stores.elasticsearch.heapMb", 512),
    'polystore:stores.elasticsearch.heapMb: a 512 MB heap in a 896 MB container (polystore:stores.elasticsearch.memoryMb) breaks Elastic\'s rule "Set Xms and Xmx to no more than 50% of your total memory" (direct memory and the file-system cache need the rest); expected at most 448, or memoryMb at least 1024'],
  ["Neo4j heap + page cache + overhead above the container", () => set(dev(), "stores.neo4j.memoryMb", 704),
    "polystore:stores.neo4j.memoryMb: heapMb 384 + pagecacheMb 128 + 256 MB for the JVM's off-heap and native memory is 768 MB, more than the 704 MB container (Neo4j memory configuration: total memory = heap + page cache + the rest the process and OS need); expected memoryMb at least 768, or a smaller heap or page cache"],
  ["Neo4j on Kubernetes (prod) with a page cache that does not fit", () => set(prod(), "stores.neo4j.pagecacheMb", 2048),
    "polystore:stores.neo4j.memoryMb: heapMb 2048 + pagecacheMb 2048 + 256 MB for the JVM's off-heap and native memory is 4352 MB, more than the 4096 MB container (Neo4j memory configuration: total memory = heap + page cache + the rest the process and OS need); expected memoryMb at least 4352, or a smaller heap or page cache"],
  ["MongoDB WiredTiger cache above MongoDB's sizing for the container", () => set(dev(), "stores.mongodb.wiredTigerCacheGb", 1),
    "polystore:stores.mongodb.wiredTigerCacheGb: 1 GB is more than MongoDB's own sizing for a 384 MB container (polystore:stores.mongodb.memoryMb): max(50% of (RAM − 1 GB), 256 MB) = 256 MB, which leaves room for connections, aggregation and the file-system cache; expected at most 0.25, or memoryMb at least 3072"],
];

const AWS: Case[] = [
  ["RDS autoscaling ceiling below the allocated storage", () => set(prod(), "stores.postgres.aws.maxAllocatedStorageGb", 40),
    "polystore:stores.postgres.aws.maxAllocatedStorageGb: 40 GB is below allocatedStorageGb 50; RDS storage autoscaling needs a ceiling at least the allocated storage (expected at least 50)"],
  ["an IPv4 CIDR with an octet above 255", () => set(prod(), "aws.allowedCidrs", ["300.0.0.0/8"]),
    'polystore:aws.allowedCidrs[0]: expected a CIDR block: an IPv4 or IPv6 address, / and a prefix length, e.g. 10.0.0.0/16 or 2001:db8::/32, got "300.0.0.0/8"'],
  ["an IPv4 prefix length above 32", () => set(prod(), "aws.allowedCidrs", ["10.0.0.0/33"]),
    'polystore:aws.allowedCidrs[0]: the prefix length of an IPv4 block is 0 to 32, got /33, got "10.0.0.0/33"'],
  ["an IPv6 prefix length above 128", () => set(prod(), "aws.allowedCidrs", ["2001:db8::/129"]),
    'polystore:aws.allowedCidrs[0]: the prefix length of an IPv6 block is 0 to 128, got /129, got "2001:db8::/129"'],
  ["a malformed IPv6 block", () => set(prod(), "aws.allowedCidrs", ["2001:db8:::/32"]),
    'polystore:aws.allowedCidrs[0]: expected a CIDR block: an IPv4 or IPv6 address, / and a prefix length, e.g. 10.0.0.0/16 or 2001:db8::/32, got "2001:db8:::/32"'],
  ["a tag key in AWS's reserved aws: prefix", () => set(prod(), "tags", { "aws:team": "data" }),
    'polystore:tags.aws:team: expected a tag key not starting with `aws:` (reserved by AWS), got "aws:team"'],
  ["a tag key over 128 characters", () => set(prod(), "tags", { ["k".repeat(129)]: "v" }),
    `polystore:tags.${"k".repeat(129)}: expected a key of at most 128 characters, got "${"k".repeat(56)}...`],
  ["a tag value over 256 characters", () => set(prod(), "tags", { team: "v".repeat(257) }),
    `polystore:tags.team: expected string at most 256 characters, got "${"v".repeat(56)}...`],
  ["a Secrets Manager prefix with characters AWS rejects", () => set(prod(), "connectionSecrets", { awsSecretsManager: { prefix: "polystore prod!" } }),
    'polystore:connectionSecrets.awsSecretsManager.prefix: expected only letters, digits and /_+=.@- (the characters AWS Secrets Manager allows in secret names), got "polystore prod!"'],
];

const NAMES: Case[] = [
  ["upper case in an image repository", () => set(dev(), "stores.postgres.image", "Postgres:16.4-alpine"),
    'polystore:stores.postgres.image: not a valid image reference: the repository must be lower-case (e.g. postgres:16.15-alpine), got "Postgres:16.4-alpine"'],
  ["a digest that is not 64 hex digits", () => set(dev(), "stores.redis.image", "redis@sha256:abc123"),
    'polystore:stores.redis.image: not a valid image reference: the digest must be sha256: followed by 64 lower-case hex digits (e.g. redis:7.4.11-alpine), got "redis@sha256:abc123"'],
  ["a tag with characters tags cannot hold", () => set(dev(), "stores.mongodb.image", "mongo:7.0.14+local"),
    'polystore:stores.mongodb.image: not a valid image reference: the tag must be letters, digits, _, . and - (at most 128, not starting with . or -) (e.g. mongo:7.0.40), got "mongo:7.0.14+local"'],
  ["an admin UI image that is not a reference", () => set(dev(), "docker.adminUis", { enabled: true, pgadmin: { image: "dpage/PGAdmin4:8.14" } }),
    'polystore:docker.adminUis.pgadmin.image: not a valid image reference: the repository must be lower-case (e.g. dpage/pgadmin4:8.14), got "dpage/PGAdmin4:8.14"'],
  ["a Kubernetes Secret name with _ and capitals", () => set(prod(), "connectionSecrets", { kubernetesSecret: { name: "Polystore_Connections" } }),
    'polystore:connectionSecrets.kubernetesSecret.name: expected an RFC 1123 name: lower-case letters, digits, - and ., starting and ending with a letter or digit, got "Polystore_Connections"'],
  ["a namespace that is not an RFC 1123 label", () => set(prod(), "kubernetes.namespace", "Polystore.Prod"),
    'polystore:kubernetes.namespace: expected a DNS label (lower-case letters, digits and -, at most 63 characters), got "Polystore.Prod"'],
  ["a Docker host that is not a URL", () => set(dev(), "docker.host", "localhost:2375"),
    'polystore:docker.host: expected a Docker daemon URL: unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host or npipe:////./pipe/docker_engine, got "localhost:2375"'],
  ["a bind address with an octet above 255", () => set(dev(), "docker.bindAddress", "127.0.0.256"),
    'polystore:docker.bindAddress: expected an IPv4 or IPv6 address such as 127.0.0.1 or ::1, got "127.0.0.256"'],
  ["a bind address that is not IPv6 either", () => set(dev(), "docker.bindAddress", "::g"),
    'polystore:docker.bindAddress: expected an IPv4 or IPv6 address such as 127.0.0.1 or ::1, got "::g"'],
];

const IDENTITIES: Case[] = [
  ["PostgreSQL appRole equal to the owner role", () => set(dev(), "stores.postgres.appRole", "app_owner"),
    'polystore:stores.postgres.appRole: "app_owner" is the owner role (polystore:stores.postgres.ownerRole), which bypasses row-level security; the application identity must be a separate least-privilege one'],
  ["PostgreSQL appRole equal to the admin user", () => set(dev(), "stores.postgres.appRole", "polystore_admin"),
    'polystore:stores.postgres.appRole: "polystore_admin" is the admin user (polystore:stores.postgres.adminUser); the application identity must be a separate least-privilege one'],
  ["PostgreSQL owner role equal to the admin user", () => set(dev(), "stores.postgres.ownerRole", "polystore_admin"),
    'polystore:stores.postgres.ownerRole: "polystore_admin" is also the admin user (polystore:stores.postgres.adminUser); expected a separate NOLOGIN owner role'],
  ["Redis appUser default", () => set(dev(), "stores.redis.appUser", "default"),
    'polystore:stores.redis.appUser: "default" is the built-in administrator of Redis; the application identity must be a separate least-privilege one'],
  ["MongoDB appUser equal to the admin user", () => set(dev(), "stores.mongodb.appUser", "polystore_admin"),
    'polystore:stores.mongodb.appUser: "polystore_admin" is the admin user (polystore:stores.mongodb.adminUser); the application identity must be a separate least-privilege one'],
  ["Elasticsearch appUser elastic", () => set(dev(), "stores.elasticsearch.appUser", "elastic"),
    'polystore:stores.elasticsearch.appUser: "elastic" is the built-in administrator of Elasticsearch; the application identity must be a separate least-privilege one'],
  ["ClickHouse appUser equal to the admin user", () => set(dev(), "stores.clickhouse.appUser", "polystore_admin"),
    'polystore:stores.clickhouse.appUser: "polystore_admin" is the admin user (polystore:stores.clickhouse.adminUser); the application identity must be a separate least-privilege one'],
  ["ClickHouse appUser default", () => set(dev(), "stores.clickhouse.appUser", "default"),
    'polystore:stores.clickhouse.appUser: "default" is ClickHouse\'s built-in `default` user; the application identity must be a separate least-privilege one'],
  ["Neo4j appUser neo4j", () => set(dev(), "stores.neo4j.appUser", "neo4j"),
    'polystore:stores.neo4j.appUser: "neo4j" is the built-in administrator of Neo4j; the application identity must be a separate least-privilege one'],
  ["Neo4j database system", () => set(dev(), "stores.neo4j.database", "system"),
    'polystore:stores.neo4j.database: "system" is Neo4j\'s administrative database (users, roles, databases); expected an application database such as neo4j'],
  ["an external store whose app user is its admin user", () => set(dev(), "stores.clickhouse", { target: "external", external: { host: "ch.example.com", port: 8443, adminUser: "ops", adminPassword: "x", appUser: "ops", appPassword: "y" } }),
    'polystore:stores.clickhouse.external.appUser: "ops" is also polystore:stores.clickhouse.external.adminUser; the application must not log in as the administrator'],
];

const PATHS: Case[] = [
  ["a store's init scripts outside the project (../)", () => set(dev(), "stores.postgres.initScripts", "../elsewhere/postgres"),
    `polystore:stores.postgres.initScripts: "../elsewhere/postgres" is outside the project (${ROOT}); expected postgres's init-scripts folder inside it, as a relative path`],
  ["the init-scripts root as an absolute path elsewhere", () => set(dev(), "initScripts.dir", "/etc"),
    `polystore:initScripts.dir: "/etc" is outside the project (${ROOT}); expected the init-scripts folder inside it, as a relative path`],
  ["a misspelt store script folder", () => set(dev(), "stores.redis.initScripts", "init-scripts/rediss"),
    `polystore:stores.redis.initScripts: "init-scripts/rediss" is not a folder (looked for ${path.join(ROOT, "init-scripts/rediss")}); expected the folder of redis's init scripts (it may be empty), or polystore:initScripts.enabled: false`],
  ["the env file outside the project", () => set(dev(), "connectionSecrets", { envFile: { path: "../.env.dev" } }),
    `polystore:connectionSecrets.envFile.path: "../.env.dev" is outside the project (${ROOT}); expected the env file inside it, as a relative path`],
  ["the env file naming package.json", () => set(dev(), "connectionSecrets", { envFile: { path: "package.json" } }),
    'polystore:connectionSecrets.envFile.path: "package.json" already exists and polystore did not write it (no polystore header); `pulumi up` would overwrite it with secrets and `pulumi destroy` delete it; expected a new file name such as .env.<stack>'],
];

describe.each([
  ["memory relations inside a store (each engine's documented rule)", MEMORY],
  ["AWS values", AWS],
  ["names and references", NAMES],
  ["identities that would defeat least privilege", IDENTITIES],
  ["paths", PATHS],
] as const)("refused: %s", (_class, cases) => {
  it.each(cases)("%s", (_name, raw, line) => {
    expect(problems(raw())).toEqual([line]);
  });
});

describe("the shipped stacks and defaults pass every rule", () => {
  // Pulumi.review.yaml is a template ({{pr}} placeholders): the policy check evaluates it filled in.
  it.each(["Pulumi.dev.yaml", "Pulumi.prod.yaml"])("%s", (file) => {
    expect(() => parseConfig(stackFileConfig(file), { stack: "dev" })).not.toThrow();
  });

  it("every store listed bare, with the defaults only", () => {
    expect(() => parseConfig({ stores: { postgres: {}, redis: {}, mongodb: {}, elasticsearch: {}, clickhouse: {}, neo4j: {} } })).not.toThrow();
  });

  it("IPv6 CIDR blocks and bind addresses, registry hosts with ports, digests and Docker URLs are accepted", () => {
    const raw = set(set(prod(), "aws.allowedCidrs", ["10.0.0.0/16", "2001:db8::/32"]), "stores.clickhouse.image", "registry.example.com:5000/team/clickhouse-server:24.8.4.13");
    set(raw, "stores.neo4j.image", `neo4j@sha256:${"a".repeat(64)}`);
    expect(() => parseConfig(raw)).not.toThrow();
    for (const host of ["unix:///var/run/docker.sock", "tcp://10.0.0.5:2376", "ssh://deploy@build.example.com", "npipe:////./pipe/docker_engine"]) {
      expect(() => parseConfig(set(set(dev(), "docker.host", host), "docker.bindAddress", "::1"))).not.toThrow();
    }
  });
});

describe("env files polystore wrote may be rewritten", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "polystore-envfile-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const copyScripts = () => fs.cpSync(path.join(ROOT, "init-scripts"), path.join(dir, "init-scripts"), { recursive: true });

  it("accepts its own .env.<stack> and refuses a hand-written one at the default path", () => {
    copyScripts();
    fs.writeFileSync(path.join(dir, ".env.dev"), renderDotEnv([{ title: "redis", vars: { REDIS_URL: "redis://h" } }], "polystore stack dev: application connection details"));
    expect(() => parseConfig(dev(), { root: dir, stack: "dev" })).not.toThrow();
    fs.writeFileSync(path.join(dir, ".env.dev"), "DATABASE_URL=postgres://mine\n");
    expect(problems(dev(), { root: dir, stack: "dev" })).toEqual([
      'polystore:connectionSecrets.envFile.path: ".env.dev" already exists and polystore did not write it (no polystore header); `pulumi up` would overwrite it with secrets and `pulumi destroy` delete it; expected a new file name such as .env.dev',
    ]);
  });

  it("names the initScripts.dir key when a store's default folder is missing under the project root", () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "polystore-root-"));
    try {
      const lines = problems({ stores: { postgres: {} } }, { root: empty });
      expect(lines).toEqual([
        `polystore:initScripts.dir: "init-scripts/postgres" is not a folder (looked for ${path.join(empty, "init-scripts/postgres")}); expected the folder of postgres's init scripts (it may be empty), or polystore:initScripts.enabled: false`,
      ]);
      expect(() => parseConfig({ stores: { postgres: {} }, initScripts: { enabled: false } }, { root: empty })).not.toThrow();
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe("messages", () => {
  it("never echoes a password value, naming the key and what was expected", () => {
    const raw = set(dev(), "stores.neo4j", { target: "external", external: { host: "n.example.com", port: 7687, adminUser: "neo4j", adminPassword: 123456789 } });
    const lines = problems(raw);
    expect(lines).toEqual(["polystore:stores.neo4j.external.adminPassword: expected string, got a value (hidden: it is a secret)"]);
    const tooShort = problems(set(dev(), "stores.neo4j", { target: "external", external: { host: "n", port: 7687, adminUser: "neo4j", adminPassword: "" } }));
    expect(tooShort).toEqual(["polystore:stores.neo4j.external.adminPassword: expected string at least 1 characters, got a value (hidden: it is a secret)"]);
    const typo = problems(set(dev(), "stores.postgres.external", "hunter2-secret-password"));
    expect(typo).toEqual(["polystore:stores.postgres.external: expected object, got a value (hidden: it is a secret)"]);
  });

  it("names a namespace typo and suggests polystore:, leaving other namespaces alone", () => {
    const all = { "polystor:stores": '{"postgres":{}}', "Polystore:target": "docker", "aws:region": "eu-west-1", "kubernetes:context": "x", "polystore:owner": "team" };
    expect(namespaceTypos(all)).toEqual([
      'polystor:stores: unknown namespace "polystor"; did you mean polystore:stores?',
      'Polystore:target: unknown namespace "Polystore"; did you mean polystore:target?',
    ]);
    const lines = problems(rawNamespace(all), { problems: namespaceTypos(all) });
    expect(lines[0]).toBe('polystor:stores: unknown namespace "polystor"; did you mean polystore:stores?');
    expect(lines).toContain("polystore:stores: required object is missing");
  });

  it("enables a store listed with no settings (`postgres:` alone)", () => {
    const cfg = parseConfig({ stores: { postgres: null, redis: null } });
    expect(cfg.stores.postgres).toMatchObject({ enabled: true, database: "app", appRole: "app_user" });
    expect(cfg.stores.redis).toMatchObject({ enabled: true, maxmemoryMb: 512 });
  });
});

describe("a refused configuration registers nothing", () => {
  it.each([...MEMORY, ...IDENTITIES, ...PATHS])("%s", (_name, raw) => {
    const registered = installMocks("dev");
    expect(() => definePolystore(parseConfig(raw()), "dev")).toThrow(ConfigError);
    expect(registered).toEqual([]);
  });
});
