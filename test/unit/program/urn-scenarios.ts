import { stackFileConfig } from "../../util/stack";
import type { Registered } from "../../util/mocks";

/**
 * The stacks whose resource URNs must survive refactors (issue 12): every target, every store,
 * the admin UIs and every connection-secret sink. `urns-before-issue-12.json` holds the URNs
 * the code registered before the one-home-per-store redesign (commit 9588e5f).
 */
export const URN_SCENARIOS: Record<string, { stack: string; raw: () => Record<string, unknown> }> = {
  dev: { stack: "dev", raw: () => stackFileConfig("Pulumi.dev.yaml") },
  "dev-admin-uis": { stack: "dev", raw: () => stackFileConfig("test/fixtures/Pulumi.dev-admin-uis.yaml") },
  prod: { stack: "prod", raw: () => stackFileConfig("Pulumi.prod.yaml") },
  external: { stack: "review-pr-42", raw: () => ({ target: "external", ...externalEndpoints() }) },
  kubernetes: {
    stack: "staging",
    raw: () => ({
      target: "kubernetes",
      kubernetes: { runnerImage: "registry.example.com/platform/polystore-runner:0.1.0", kubeconfig: "apiVersion: v1", context: "kind" },
      stores: { postgres: {}, redis: { maxmemoryMb: 256 }, mongodb: {}, elasticsearch: {}, clickhouse: {}, neo4j: {} },
    }),
  },
  "docker-remote": {
    stack: "dev",
    raw: () => ({ target: "docker", docker: { host: "tcp://10.0.0.5:2376" }, stores: { postgres: {}, redis: {} } }),
  },
};

function externalEndpoints(): Record<string, unknown> {
  const ext = (port: number) => ({ host: "db.internal", port, adminUser: "admin", adminPassword: "x" });
  return {
    stores: {
      postgres: { external: ext(5432) },
      redis: { external: ext(6379) },
      mongodb: { external: ext(27017) },
      elasticsearch: { external: ext(9200) },
      clickhouse: { external: ext(8123) },
      neo4j: { external: ext(7687) },
    },
  };
}

/** `urn:pulumi:<stack>::polystore::<type chain>::<name>` of each registered resource, from its parent's URN. */
export function urnsOf(registered: Registered[], stack: string): Array<{ urn: string; aliases: unknown[] }> {
  const byParent = (r: Registered): string => {
    const parent = r.options.parent;
    if (!parent || parent.includes("::pulumi:pulumi:Stack::")) return `urn:pulumi:${stack}::polystore::${r.type}::${r.name}`;
    const [prefix, project, chain] = parent.split("::");
    return `${prefix}::${project}::${chain}$${r.type}::${r.name}`;
  };
  return registered.map((r) => ({ urn: byParent(r), aliases: r.options.aliases }));
}
