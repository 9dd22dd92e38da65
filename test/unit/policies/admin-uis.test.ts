/**
 * The policy pack holds the docker admin UIs like every container: the dev stack with them switched on
 * passes, and breaking one property of an admin UI container makes exactly that policy fire.
 */
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateStack } from "../../../policies/check";
import { POLICIES } from "../../../policies/pack";
import { reconcile } from "../../../policies/offline/config";
import { runPolicies } from "../../../policies/offline/run";
import type { Snapshot, SnapshotResource } from "../../../policies/offline/snapshot";

const FILE = path.resolve(__dirname, "../../fixtures/Pulumi.dev-admin-uis.yaml");
const C = "docker:index/container:Container";
let snap: Snapshot;

beforeAll(async () => {
  snap = await evaluateStack(FILE);
}, 300_000);

async function mandatory(s: Snapshot): Promise<string[]> {
  const v = await runPolicies(s, POLICIES, reconcile(POLICIES, undefined));
  return v.filter((x) => x.level === "mandatory").map((x) => `${x.policy}: ${x.message}`);
}

function broken(name: string, change: (props: Record<string, any>) => void, type = C): Snapshot {
  const copy = structuredClone(snap);
  const r = copy.resources.find((x: SnapshotResource) => x.type === type && x.name === name);
  if (!r) throw new Error(`no ${type} ${name} in ${FILE}`);
  change(r.inputs as Record<string, any>);
  change(r.outputs as Record<string, any>);
  return copy;
}

describe("admin UIs under the policy pack", () => {
  it("the stack with admin UIs evaluates with three admin UI containers and no mandatory violation", async () => {
    expect(snap.error, snap.error?.message).toBeUndefined();
    expect(snap.resources.filter((r) => r.type === C && r.name.startsWith("admin-uis-")).map((r) => r.name).sort()).toEqual([
      "admin-uis-mongoExpress",
      "admin-uis-pgadmin",
      "admin-uis-redisCommander",
    ]);
    expect(await mandatory(snap)).toEqual([]);
  });

  it.each([
    ["no memory limit", "admin-uis-pgadmin", (p: Record<string, any>) => delete p.memory, C, "container-memory-limits: Container admin-uis-pgadmin: no memory limit"],
    ["no health check", "admin-uis-mongoExpress", (p: Record<string, any>) => delete p.healthcheck, C, "container-health-checks: Container admin-uis-mongoExpress: no healthcheck"],
    ["image on latest", "admin-uis-redisCommander-image", (p: Record<string, any>) => (p.name = "ghcr.io/joeferner/redis-commander:latest"), "docker:index/remoteImage:RemoteImage", "pinned-images: RemoteImage admin-uis-redisCommander-image"],
  ])("%s fires its policy", async (_what, name, change, type, expected) => {
    const found = await mandatory(broken(name, change, type));
    expect(found.join("\n")).toContain(expected);
    expect(new Set(found.map((x) => x.split(":")[0]))).toEqual(new Set([expected.split(":")[0]]));
  });
});
