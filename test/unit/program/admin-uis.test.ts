/**
 * `polystore:docker.adminUis`: opt-in admin UIs for the docker stores, under Pulumi's mocks.
 * Expectations are literals (the seeds' ports 5050/8081, the config the test writes), not values
 * recomputed with the code under test.
 */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../stacks/config";
import { definePolystore, type PolystoreProgram } from "../../../stacks/program";
import { installMocks, isSecretInput, plainInput, type Registered } from "../../util/mocks";
import { valueOf } from "../../util/outputs";
import { stackFileConfig } from "../../util/stack";

const CONTAINER = "docker:index/container:Container";
const ADMIN_TOOLS = ["pgadmin", "redisCommander", "mongoExpress"];

/** The dev stack's config with admin UIs switched on and room for them in the budget. */
function devWithUis(extra: Record<string, unknown> = {}, docker: Record<string, unknown> = {}): Record<string, unknown> {
  const raw = stackFileConfig("Pulumi.dev.yaml");
  const base = (raw.docker ?? {}) as Record<string, unknown>;
  return { ...raw, docker: { ...base, memoryBudgetMb: 8192, adminUis: { enabled: true, ...extra }, ...docker } };
}

async function render(raw: Record<string, unknown>): Promise<{ registered: Registered[]; program: PolystoreProgram }> {
  const registered = installMocks("dev");
  const program = definePolystore(parseConfig(raw), "dev");
  await valueOf(program.outputs.connections);
  if (program.adminUis) await valueOf(program.adminUis.env);
  await Promise.all(program.sinks.map((s) => valueOf(s.location)));
  // Resource registrations resolve after the outputs they read: wait until the set is stable.
  let n = -1;
  while (n !== registered.length) {
    n = registered.length;
    await new Promise((r) => setImmediate(r));
  }
  return { registered, program };
}

const adminContainers = (rs: Registered[]) => rs.filter((r) => r.type === CONTAINER && r.name.startsWith("admin-uis-"));
const envOf = (c: Registered) =>
  Object.fromEntries((plainInput<string[]>(c.inputs.envs) ?? []).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));

describe("docker admin UIs", () => {
  it("are off by default: the shipped dev stack has none", async () => {
    const { registered, program } = await render(stackFileConfig("Pulumi.dev.yaml"));
    expect(adminContainers(registered)).toHaveLength(0);
    expect(program.adminUis).toBeUndefined();
    expect(registered.filter((r) => r.type === "polystore:docker:AdminUis")).toHaveLength(0);
  });

  it("when enabled, add pgAdmin, Redis Commander and mongo-express, pinned, limited, health-checked, on the bind address only", async () => {
    const { registered } = await render(devWithUis());
    const cs = adminContainers(registered);
    expect(cs.map((c) => c.name).sort()).toEqual(["admin-uis-mongoExpress", "admin-uis-pgadmin", "admin-uis-redisCommander"]);
    const images = registered.filter((r) => r.type === "docker:index/remoteImage:RemoteImage" && r.name.startsWith("admin-uis-")).map((r) => r.inputs.name);
    expect(images.sort()).toEqual(["dpage/pgadmin4:8.14", "ghcr.io/joeferner/redis-commander:0.9.0", "mongo-express:1.0.2-20-alpine3.19"]);
    const byName = Object.fromEntries(cs.map((c) => [c.name, c.inputs as Record<string, any>]));
    expect(byName["admin-uis-pgadmin"].memory).toBe(256);
    expect(byName["admin-uis-redisCommander"].memory).toBe(128);
    expect(byName["admin-uis-mongoExpress"].memory).toBe(128);
    expect(byName["admin-uis-pgadmin"].ports).toEqual([{ internal: 80, external: 5050, ip: "127.0.0.1", protocol: "tcp" }]);
    expect(byName["admin-uis-redisCommander"].ports).toEqual([{ internal: 8081, external: 8081, ip: "127.0.0.1", protocol: "tcp" }]);
    expect(byName["admin-uis-mongoExpress"].ports).toEqual([{ internal: 8081, external: 8082, ip: "127.0.0.1", protocol: "tcp" }]);
    for (const c of Object.values(byName)) {
      expect(c.healthcheck.tests[0]).toBe("CMD-SHELL");
      expect(c.wait).toBe(true);
      expect(c.networksAdvanced[0].name).toBe("polystore-dev");
      expect(isSecretInput(c.envs)).toBe(true);
    }
    // Every UI is a child of the one AdminUis component.
    expect(registered.filter((r) => r.type === "polystore:docker:AdminUis").map((r) => r.name)).toEqual(["admin-uis"]);
  });

  it("connect as the application identity, never the admin", async () => {
    const { registered } = await render(devWithUis());
    const env = Object.fromEntries(adminContainers(registered).map((c) => [c.name, envOf(c)]));
    // Passwords the mocks generate are `mock-<resource name>-pw`.
    expect(env["admin-uis-redisCommander"]).toMatchObject({ REDIS_HOST: "redis", REDIS_PORT: "6379", REDIS_USERNAME: "app", REDIS_PASSWORD: "mock-redis-app-password-pw" });
    expect(env["admin-uis-pgadmin"]).toMatchObject({ POLYSTORE_PGPASS_USER: "app_user", POLYSTORE_PGPASS_PASSWORD: "mock-postgres-app-password-pw" });
    expect(env["admin-uis-mongoExpress"].ME_CONFIG_MONGODB_URL).toMatch(/^mongodb:\/\/app:mock-mongodb-app-password-pw@mongodb:27017\/app\?/);
    expect(env["admin-uis-mongoExpress"].ME_CONFIG_MONGODB_ENABLE_ADMIN).toBe("false");
    const all = JSON.stringify(env);
    for (const store of ["postgres", "redis", "mongodb"]) expect(all).not.toContain(`mock-${store}-admin-password-pw`);
    expect(all).not.toContain("polystore_admin");
    // pgAdmin's server entry names the app role and a passfile; the password is not in servers.json.
    const pg = plainInput<Record<string, any>>(adminContainers(registered).find((c) => c.name === "admin-uis-pgadmin")!.inputs);
    const servers = JSON.parse(pg.uploads[0].content);
    expect(pg.uploads[0].file).toBe("/pgadmin4/servers.json");
    expect(servers.Servers["1"]).toMatchObject({ Host: "postgres", Port: 5432, Username: "app_user", MaintenanceDB: "app", PassFile: "/pgpass" });
    expect(pg.uploads[0].content).not.toContain("mock-postgres-app-password-pw");
    // The password reaches the passfile through the environment, not as a process argument.
    expect(pg.entrypoints.join(" ")).not.toContain("mock-");
    expect(pg.entrypoints.join(" ")).toContain('"$POLYSTORE_PGPASS_PASSWORD"');
  });

  it("each get their own generated 32-character login, written to the env file", async () => {
    const { registered, program } = await render(devWithUis());
    const logins = registered.filter((r) => r.type === "random:index/randomPassword:RandomPassword" && r.name.startsWith("admin-uis-"));
    expect(logins.map((r) => r.name).sort()).toEqual(["admin-uis-mongoExpress-login", "admin-uis-pgadmin-login", "admin-uis-redisCommander-login"]);
    for (const r of logins) expect(r.inputs).toMatchObject({ length: 32, special: false });
    expect(await valueOf(program.adminUis!.env)).toEqual({
      PGADMIN_URL: "http://127.0.0.1:5050",
      PGADMIN_USER: "dev@example.com",
      PGADMIN_PASSWORD: "mock-admin-uis-pgadmin-login-pw",
      REDIS_COMMANDER_URL: "http://127.0.0.1:8081",
      REDIS_COMMANDER_USER: "polystore",
      REDIS_COMMANDER_PASSWORD: "mock-admin-uis-redisCommander-login-pw",
      MONGO_EXPRESS_URL: "http://127.0.0.1:8082",
      MONGO_EXPRESS_USER: "polystore",
      MONGO_EXPRESS_PASSWORD: "mock-admin-uis-mongoExpress-login-pw",
    });
    const envFile = registered.find((r) => r.name === "env-file")!;
    const content = plainInput<string>(envFile.inputs.content);
    expect(content).toContain("PGADMIN_URL=http://127.0.0.1:5050\n");
    expect(content).toContain("REDIS_COMMANDER_PASSWORD=mock-admin-uis-redisCommander-login-pw\n");
    expect(content).toContain("MONGO_EXPRESS_USER=polystore\n");
  });

  it("follow the stores: a disabled store gets no UI, a tool can be switched off, settings are honoured", async () => {
    const raw = devWithUis({ mongoExpress: { enabled: false }, pgadmin: { port: 15050, memoryMb: 320 } });
    (raw.stores as Record<string, unknown>).redis = { enabled: false };
    const { registered } = await render(raw);
    const cs = adminContainers(registered);
    expect(cs.map((c) => c.name)).toEqual(["admin-uis-pgadmin"]);
    expect((cs[0]!.inputs as Record<string, any>).ports[0].external).toBe(15050);
    expect((cs[0]!.inputs as Record<string, any>).memory).toBe(320);
  });
});

describe("docker admin UI configuration", () => {
  const fails = (raw: Record<string, unknown>) => {
    try {
      parseConfig(raw);
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error("the configuration was accepted");
  };

  it("counts the UIs in the memory budget, naming the key and what would fit", () => {
    const raw = devWithUis({}, { memoryBudgetMb: 3072 });
    const msg = fails(raw);
    expect(msg).toContain("polystore:docker.memoryBudgetMb: the docker containers ask for 4608 MB");
    expect(msg).toContain("adminUis.pgadmin 256, adminUis.redisCommander 128, adminUis.mongoExpress 128");
    expect(msg).toContain("raise the budget to at least 4608");
  });

  it("refuses a UI port another container publishes, an unpinned image and an unknown key, all at once", () => {
    expect(fails(devWithUis({ redisCommander: { port: 5432 } }))).toContain(
      "polystore:docker.adminUis.redisCommander.port: host port 5432 is already used by stores.postgres.port",
    );
    expect(fails(devWithUis({ pgadmin: { image: "dpage/pgadmin4:latest" } }))).toContain(
      "polystore:docker.adminUis.pgadmin.image: expected an image pinned to an exact tag or digest (e.g. dpage/pgadmin4:8.14), not `latest` or untagged",
    );
    expect(fails(devWithUis({ redisInsight: {} }))).toMatch(/polystore:docker\.adminUis\.redisInsight: unknown key/);
  });

  it("has one default per value", () => {
    const cfg = parseConfig(stackFileConfig("Pulumi.dev.yaml"));
    expect(cfg.docker.adminUis).toEqual({
      enabled: false,
      pgadmin: { enabled: true, port: 5050, memoryMb: 256, image: "dpage/pgadmin4:8.14" },
      redisCommander: { enabled: true, port: 8081, memoryMb: 128, image: "ghcr.io/joeferner/redis-commander:0.9.0" },
      mongoExpress: { enabled: true, port: 8082, memoryMb: 128, image: "mongo-express:1.0.2-20-alpine3.19" },
    });
    expect(ADMIN_TOOLS).toHaveLength(3);
  });
});
