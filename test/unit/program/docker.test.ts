import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, settled, type Registered } from "../../util/mocks";
import { isSecretOutput, valueOf } from "../../util/outputs";
import { stackFileConfig } from "../../util/stack";
import { parseConfig } from "../../../stacks/config";
import { definePolystore, type PolystoreProgram } from "../../../stacks/program";
import { STORE_KINDS } from "../../../components/core/types";

let registered: Registered[];
let program: PolystoreProgram;

function container(kind: string): Registered {
  const c = registered.find((r) => r.type === "docker:index/container:Container" && r.name === `${kind}-container`);
  if (!c) throw new Error(`no container for ${kind}`);
  return c;
}

beforeAll(async () => {
  registered = installMocks("dev");
  program = definePolystore(parseConfig(stackFileConfig("Pulumi.dev.yaml")), "dev");
  await valueOf(program.outputs.connections);
  await settled();
});

describe("dev stack on docker", () => {
  it("registers all six containers, one network, one volume per store", () => {
    const containers = registered.filter((r) => r.type === "docker:index/container:Container");
    expect(containers.map((c) => c.name).sort()).toEqual(STORE_KINDS.map((k) => `${k}-container`).sort());
    expect(registered.filter((r) => r.type === "docker:index/network:Network")).toHaveLength(1);
    const volumes = registered.filter((r) => r.type === "docker:index/volume:Volume");
    expect(volumes.map((v) => v.name).sort()).toEqual(STORE_KINDS.map((k) => `${k}-data`).sort());
    // keepVolumesOnDestroy (default true): `pulumi destroy` leaves every data volume; containers go.
    for (const v of volumes) expect(v.options.retainOnDelete, v.name).toBe(true);
    for (const c of containers) expect(c.options.retainOnDelete, c.name).toBe(false);
  });

  it.each(STORE_KINDS)("%s: pinned image, healthcheck, wait, memory limit, loopback ports, volume", (kind) => {
    const image = registered.find((r) => r.type === "docker:index/remoteImage:RemoteImage" && r.name === `${kind}-image`)!;
    expect(image.inputs.name).toMatch(/:[0-9][\w.-]*$/);
    expect(image.inputs.name).not.toMatch(/latest/);
    const c = container(kind).inputs as Record<string, any>;
    expect(c.healthcheck.tests[0]).toBe("CMD-SHELL");
    expect(c.healthcheck.tests[1].length).toBeGreaterThan(5);
    expect(c.wait).toBe(true);
    expect(c.memory).toBeGreaterThanOrEqual(256);
    expect(c.ports.length).toBeGreaterThan(0);
    for (const p of c.ports) expect(p.ip).toBe("127.0.0.1");
    expect(c.volumes[0].volumeName).toBe(`polystore-dev-${kind}-data`);
    expect(c.restart).toBe("unless-stopped");
  });

  it("keeps the whole dev stack within the dev budget (4 GiB, set by the load suite's measurements)", () => {
    const budget = parseConfig(stackFileConfig("Pulumi.dev.yaml")).docker.memoryBudgetMb;
    const total = registered
      .filter((r) => r.type === "docker:index/container:Container")
      .reduce((s, r) => s + (r.inputs.memory as number), 0);
    expect(budget).toBe(4096);
    expect(total).toBe(4096);
    expect(total).toBeLessThanOrEqual(budget);
  });

  it("starts redis-server through the image's entrypoint, which drops root for the redis user", () => {
    const cmd = container("redis").inputs.command as string[];
    expect(cmd.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(cmd[2]).toMatch(/^exec docker-entrypoint\.sh redis-server "\$@" /);
    expect(cmd[3]).toBe("redis-server");
  });

  it.each(["neo4j", "clickhouse"])("%s: the health check takes the admin password from the environment, not its command line", (kind) => {
    const shell = (container(kind).inputs as Record<string, any>).healthcheck.tests[1] as string;
    expect(shell).not.toMatch(/\s(-p|--password)\b/);
    if (kind === "neo4j") expect(shell).toMatch(/^NEO4J_PASSWORD="\$\{NEO4J_AUTH#neo4j\/\}" cypher-shell /);
    else expect(shell).toBe('clickhouse-client --query "SELECT 1"');
  });

  it("starts Redis with exactly the configured flags and the password out of argv", () => {
    const cmd = container("redis").inputs.command as string[];
    const args = cmd.slice(cmd.indexOf("redis-server", 3) + 1);
    const flag = (name: string) => args[args.indexOf(name) + 1];
    expect(flag("--maxmemory")).toBe("512mb");
    expect(flag("--maxmemory-policy")).toBe("allkeys-lru");
    expect(flag("--appendonly")).toBe("yes");
    expect(flag("--appendfsync")).toBe("everysec");
    expect(flag("--timeout")).toBe("300");
    expect(cmd.join(" ")).not.toContain("mock-");
  });

  it("passes passwords only through secret environment variables", async () => {
    for (const kind of STORE_KINDS) {
      expect(JSON.stringify(container(kind).inputs.command ?? [])).not.toContain("mock-");
      expect(JSON.stringify(container(kind).inputs.envs)).toContain("mock-");
    }
  });

  it("exports connections and env as secrets, the summary as plain", async () => {
    expect(await isSecretOutput(program.outputs.connections)).toBe(true);
    expect(await isSecretOutput(program.outputs.env)).toBe(true);
    expect(await isSecretOutput(program.outputs.stores)).toBe(false);
    for (const kind of STORE_KINDS) {
      const s = program.stores[kind]!;
      expect(await isSecretOutput(s.adminCredentials)).toBe(true);
      expect(await isSecretOutput(s.appCredentials)).toBe(true);
      expect(await isSecretOutput(s.connectionUrl)).toBe(true);
    }
    const summary = await valueOf(program.outputs.stores);
    expect(summary.postgres).toEqual({ target: "docker", host: "127.0.0.1", port: 5432, database: "app" });
  });

  it("gives applications the application identity, never the admin", async () => {
    const env = await valueOf(program.outputs.env);
    expect(env.DATABASE_URL).toBe("postgresql://app_user:mock-postgres-app-password-pw@127.0.0.1:5432/app");
    expect(env.POSTGRES_USER).toBe("app_user");
    expect(env.REDIS_URL).toBe("redis://app:mock-redis-app-password-pw@127.0.0.1:6379/0");
    expect(env.NEO4J_URI).toBe("bolt://127.0.0.1:7687");
    expect(env.CLICKHOUSE_URL).toBe("http://127.0.0.1:8123");
    expect(env.CLICKHOUSE_DB).toBe("analytics");
    expect(env.MONGODB_URL).toContain("mongodb://app:");
    expect(env.ELASTICSEARCH_URL).toBe("http://127.0.0.1:9200");
    expect(Object.values(env).join("\n")).not.toContain("admin-password");
  });

  it("writes the .env file through one DotEnvFile resource with secret content", async () => {
    const files = registered.filter((r) => r.type.endsWith("DotEnvFile"));
    expect(files).toHaveLength(1);
    expect(files[0].inputs.path).toBe(".env.dev");
    const sinks = await valueOf(program.outputs.connectionSecrets);
    expect(sinks).toEqual([{ sink: "env-file", stores: [...STORE_KINDS], location: ".env.dev" }]);
  });
});

describe("dev stack: Redis application user", () => {
  it("is created at startup from the same ACL rules the init runner applies, both passwords on stdin, hashed, never in argv", async () => {
    const { appAclRules } = await import("../../../components/stores/redis/settings");
    const cmd = container("redis").inputs.command as string[];
    const script = cmd[2]!.split("\n");
    expect(script[0]).toBe('exec docker-entrypoint.sh redis-server "$@" - <<POLYSTORE_REDIS_CONF');
    expect(script[1]).toBe(`user default reset on #$(printf %s "$REDIS_PASSWORD" | sha256sum | cut -d' ' -f1) ~* &* +@all`);
    expect(script[2]).toBe(`user app reset on #$(printf %s "$REDIS_APP_PASSWORD" | sha256sum | cut -d' ' -f1) ${appAclRules().join(" ")}`);
    expect(cmd).not.toContain("--user");
    expect(cmd.join(" ")).not.toContain("requirepass");
    expect(JSON.stringify(cmd)).not.toContain("mock-redis");
    expect(JSON.stringify(container("redis").inputs.envs)).toContain("REDIS_APP_PASSWORD=mock-redis-app-password-pw");
  });
});
