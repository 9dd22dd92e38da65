/**
 * One Redis setting, one typed form, every target (issue 12): non-default server settings set
 * once in config reach the Docker container's arguments, the Kubernetes StatefulSet and its init
 * Job's connection, the AWS parameter group, the external store's connection, and the init
 * runner's configuration check, unchanged. (The Kubernetes init Job used to build the connection
 * a second time without them, so its check failed with "server configuration differs".)
 */
import { describe, expect, it } from "vitest";
import { expectedConfig } from "../../../components/init/adapters/redis";
import type { StoreConnection } from "../../../components/core/types";
import { redisConfigValues } from "../../../components/stores/redis";
import { NON_DEFAULT } from "../../util/redis-settings";
import { SERVER_SETTINGS_LABEL } from "../../../components/targets/docker";
import { INIT_CONNECTION_ENV } from "../../../components/targets/kubernetes";
import { valueOf } from "../../util/outputs";
import { evaluate, inputs, resource } from "../targets/harness";

const ARGS = ["--maxmemory", "200mb", "--maxmemory-policy", "allkeys-lfu", "--appendonly", "yes", "--appendfsync", "always", "--timeout", "120"];
const CHECKED = { maxmemory: String(200 * 1024 * 1024), "maxmemory-policy": "allkeys-lfu", appendonly: "yes", appendfsync: "always" };

const redis = { ...NON_DEFAULT };
const STACKS = {
  docker: { target: "docker", stores: { redis } },
  kubernetes: { target: "kubernetes", kubernetes: { runnerImage: "registry.example.com/platform/polystore-runner:0.1.0" }, stores: { redis } },
  aws: {
    target: "aws",
    aws: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"], allowedSecurityGroupIds: ["sg-0123456789abcdef0"] },
    stores: { redis },
  },
  external: { target: "external", stores: { redis: { ...redis, external: { host: "cache.internal", port: 6379, adminUser: "default", adminPassword: "x" } } } },
};

/** The argv pairs of the settings, wherever they sit in a rendered command. */
function serverArgs(argv: string[]): string[] {
  const out: string[] = [];
  for (const flag of ["--maxmemory", "--maxmemory-policy", "--appendonly", "--appendfsync", "--timeout"]) {
    const i = argv.indexOf(flag);
    out.push(flag, i >= 0 ? argv[i + 1]! : "(missing)");
  }
  return out;
}

async function connectionOf(stack: keyof typeof STACKS): Promise<StoreConnection> {
  const e = await evaluate(STACKS[stack], "settings");
  return (await valueOf(e.program.outputs.connections)).redis!;
}

describe("non-default Redis settings reach every target in one typed form", () => {
  it("docker: the container's arguments and its server-settings label", async () => {
    const e = await evaluate(STACKS.docker, "settings");
    const c = inputs(resource(e.registered, "Container", "redis-container"));
    expect(serverArgs(c.command)).toEqual(ARGS);
    const labels = Object.fromEntries((c.labels as Array<{ label: string; value: string }>).map((l) => [l.label, l.value]));
    expect(JSON.parse(labels[SERVER_SETTINGS_LABEL]!)).toMatchObject(NON_DEFAULT);
  });

  it("kubernetes: the StatefulSet's arguments and annotation, and the connection its init Job checks with", async () => {
    const e = await evaluate(STACKS.kubernetes, "settings");
    const sts = inputs(resource(e.registered, "StatefulSet", "redis-statefulset"));
    expect(serverArgs(sts.spec.template.spec.containers[0].args)).toEqual(ARGS);
    expect(JSON.parse(sts.spec.template.metadata.annotations[SERVER_SETTINGS_LABEL])).toMatchObject(NON_DEFAULT);
    const secret = inputs(resource(e.registered, "core/v1:Secret", "redis-init-connection"));
    const jobConnection = JSON.parse(secret.stringData[INIT_CONNECTION_ENV]).redis as StoreConnection;
    expect(jobConnection.server).toEqual(NON_DEFAULT);
    expect(expectedConfig(jobConnection)).toEqual(CHECKED);
    // The Job's connection is the stack's one connection, not a second build of it.
    expect(jobConnection).toEqual(await connectionOf("kubernetes"));
  });

  it("aws: the parameter group (the managed service's form; maxmemory is the node type's)", async () => {
    const e = await evaluate(STACKS.aws, "settings");
    const params = inputs(resource(e.registered, "memorydb/parameterGroup:ParameterGroup", "redis-params")).parameters;
    expect(params).toEqual([
      { name: "maxmemory-policy", value: "allkeys-lfu" },
      { name: "timeout", value: "120" },
    ]);
    expect((await connectionOf("aws")).server).toEqual(NON_DEFAULT);
  });

  it.each(["docker", "kubernetes", "aws", "external"] as const)("%s: the connection carries the settings the runner's check expects", async (stack) => {
    const conn = await connectionOf(stack);
    expect(conn.server).toEqual(NON_DEFAULT);
    expect(expectedConfig(conn)).toEqual(redisConfigValues(NON_DEFAULT));
    expect(expectedConfig(conn)).toEqual(CHECKED);
  });
});
