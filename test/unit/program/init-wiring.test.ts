import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, settled, type Registered } from "../../util/mocks";
import { valueOf } from "../../util/outputs";
import { stackFileConfig } from "../../util/stack";
import { parseConfig } from "../../../stacks/config";
import { definePolystore } from "../../../stacks/program";
import { initHook } from "../../../stacks/init";
import { STORE_KINDS } from "../../../components/core/types";

let registered: Registered[];

beforeAll(async () => {
  registered = installMocks("dev");
  const program = definePolystore(parseConfig(stackFileConfig("Pulumi.dev.yaml")), "dev", { init: initHook });
  await valueOf(program.outputs.connections);
  await settled();
});

describe("init scripts wired into the dev stack", () => {
  it.each(STORE_KINDS)("%s: one init resource that waits for that store's container only", (kind) => {
    const init = registered.find((r) => r.name === `${kind}-init`);
    expect(init, `${kind}-init not registered`).toBeDefined();
    expect(init!.inputs.kind).toBe(kind);
    expect(init!.inputs.scriptsDir).toBe(`init-scripts/${kind}`);
    expect(Object.keys(init!.inputs.checksums as object).length).toBeGreaterThan(0);
    const deps = init!.dependencies ?? [];
    expect(deps.some((u) => u.endsWith(`::${kind}-container`))).toBe(true);
    // Not after all the others: no other store's container is a dependency.
    for (const other of STORE_KINDS.filter((k) => k !== kind)) {
      expect(deps.some((u) => u.endsWith(`::${other}-container`))).toBe(false);
    }
  });

  it("passes the connection as a secret input", () => {
    for (const kind of STORE_KINDS) {
      const init = registered.find((r) => r.name === `${kind}-init`)!;
      const conn = init.inputs.connection as Record<string, unknown>;
      expect(conn["4dabf18193072939515e22adb298388d"]).toBe("1b47061264138c4ac30d75fd1eb44270");
    }
  });
});
