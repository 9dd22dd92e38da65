import { describe, expect, it } from "vitest";
import { ADAPTER_REGISTRY, createAdapter, scriptExtensions, SCRIPT_EXTENSIONS } from "../../../components/init";
import { STORE_KINDS, type StoreConnection, type StoreKind } from "../../../components/core/types";

const conn = (kind: StoreKind): StoreConnection => ({
  kind, host: "127.0.0.1", port: 9, tls: false, database: kind === "redis" ? "0" : "app",
  admin: { user: "admin", password: "pw" }, app: { user: "app_user", password: "pw2" },
});

describe("init adapter registry", () => {
  it.each(STORE_KINDS)("%s: the static extensions are the loaded adapter's (no I/O when building it)", async (kind) => {
    const adapter = await createAdapter(conn(kind));
    expect(adapter.kind).toBe(kind);
    expect([...adapter.extensions]).toEqual([...scriptExtensions(kind)]);
    expect(ADAPTER_REGISTRY[kind]!.extensions).toBe(SCRIPT_EXTENSIONS[kind]);
    await adapter.close();
  });

  it("an unknown kind is refused, naming it and the known ones", async () => {
    await expect(createAdapter(conn("cassandra" as StoreKind))).rejects.toThrow(/no init-script adapter for store kind "cassandra" \(known: postgres, redis/);
    expect(() => scriptExtensions("cassandra" as StoreKind)).toThrow(/cassandra/);
  });
});
