/**
 * bench/footprint.ts on rendered programs written out here, so the ratio is shown to leave 1
 * whenever the containers ask for more than the budget or for no limit at all (the config
 * schema would refuse the first before a real stack renders, so only this test can show it).
 */
import { describe, expect, it } from "vitest";
import { benchFootprint } from "../../../bench/footprint";
import type { Snapshot, SnapshotResource } from "../../../policies/offline/snapshot";

function container(name: string, memory?: number): SnapshotResource {
  return {
    urn: `urn:pulumi:dev::polystore::docker:index/container:Container::${name}`, type: "docker:index/container:Container", name, custom: true,
    inputs: memory === undefined ? { name } : { name, memory }, inputSecrets: [],
  } as unknown as SnapshotResource;
}
const snapshot = (resources: SnapshotResource[]): Snapshot => ({ stack: "dev", project: "polystore", file: "Pulumi.dev.yaml", resources });
const fig = (s: ReturnType<typeof benchFootprint>, key: string) => s.figures.find((f) => f.key === key)!;

describe("bench footprint: used_over_budget", () => {
  it("sums the rendered containers' limits against the budget", () => {
    const s = benchFootprint(snapshot([container("a", 1024), container("b", 512)]), 3072);
    expect(fig(s, "footprint.total_mb").median).toBe(1536);
    expect(fig(s, "footprint.used_over_budget").median).toBe(0.5);
    expect(fig(s, "footprint.used_over_budget").target?.met).toBe(true);
  });

  it("exceeds 1 (target not met) when the limits add up to more than the budget", () => {
    const f = fig(benchFootprint(snapshot([container("a", 2048), container("b", 2048)]), 3072), "footprint.used_over_budget");
    expect(f.median).toBeCloseTo(1.333, 3);
    expect(f.target?.met).toBe(false);
  });

  it("counts a container without a limit (or Docker's 0 = none) as unbounded, never within budget", () => {
    for (const unlimited of [undefined, 0]) {
      const s = benchFootprint(snapshot([container("a", 512), container("b", unlimited)]), 3072);
      expect(fig(s, "footprint.used_over_budget").median).toBe(Infinity);
      expect(fig(s, "footprint.used_over_budget").target?.met).toBe(false);
      expect(s.details).toMatchObject({ containersWithoutLimit: ["b"] });
      expect((s.notes ?? []).join("\n")).toContain("containers without a memory limit (unbounded: used_over_budget is infinite): b");
    }
  });

  it("refuses a rendered program with no container at all", () => {
    expect(() => benchFootprint(snapshot([]), 3072)).toThrow("footprint: Pulumi.dev.yaml rendered no docker:index/container:Container");
  });

  it("reads the budget from the snapshot's own stack file by default (Pulumi.dev.yaml: the schema's 4096 MB)", () => {
    expect(fig(benchFootprint(snapshot([container("a", 3072)])), "footprint.budget_mb").median).toBe(4096);
  });
});
