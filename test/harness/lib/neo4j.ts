/**
 * Neo4j 5.26 in process (org.neo4j.test:neo4j-harness) in its own JVM via the
 * launcher under test/harness/java/neo4j: Bolt and HTTP on loopback, auth on,
 * the `neo4j` user's password set through the system database.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import neo4j from "neo4j-driver";
import { connection, engineDir, generatePassword, HOST, requireInstalled, stopOnFailure, type EngineContext, type StartedEngine } from "./context";
import { launcherClasspath } from "./paths";
import { spawnEngine, waitReady } from "./process";

export async function startNeo4j(ctx: EngineContext): Promise<StartedEngine> {
  const dir = ctx.paths.neo4jDir;
  const java = ctx.paths.javaHome ? join(ctx.paths.javaHome, "bin", "java") : "java";
  requireInstalled("neo4j", `the Neo4j launcher (${dir})`, existsSync(join(dir, "classes", "polystore", "harness", "Neo4jLauncher.class")));
  const bolt = ctx.ports.neo4jBolt;
  const http = ctx.ports.neo4jHttp;
  const work = engineDir(ctx, "neo4j");
  const logFile = join(work, "neo4j.log");
  const password = generatePassword();
  // The dev stack's heap (initial = max, as NEO4J_server_memory_heap_*) and page cache in the load suite.
  const shipped = ctx.memory?.shipped;
  const heap = shipped?.heapMb ? `${shipped.heapMb}m` : process.env.POLYSTORE_NEO4J_HEAP ?? "512m";
  const args = [
    `-Xmx${heap}`,
    // Load suite: the JVM flags of Neo4j's shipped neo4j.conf that shape its footprint (G1, the whole heap
    // touched at start, small NIO buffer cache) and the full JIT; store tests: a lean, quick-starting JVM.
    ...(shipped ? [`-Xms${heap}`, "-XX:+UseG1GC", "-XX:+AlwaysPreTouch", "-Djdk.nio.maxCachedBufferSize=1024"] : ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]),
    "-cp", launcherClasspath(dir),
    "polystore.harness.Neo4jLauncher",
    "--dir", join(work, "data"),
    "--bolt-port", String(bolt),
    "--http-port", String(http),
    ...(shipped?.pagecacheMb ? ["--pagecache-mb", String(shipped.pagecacheMb)] : []),
  ];
  const env = { ...process.env, POLYSTORE_NEO4J_PASSWORD: password };
  const spawned = spawnEngine({ name: "neo4j", command: java, args, logFile, cwd: work, env, cgroup: ctx.memory?.cgroup });

  return stopOnFailure([spawned], async () => {
    const admin = { user: "neo4j", password };
    await waitReady(
      async () => {
        // Probe only once the launcher has set the password: failed logins
        // against the initial neo4j/neo4j would trip Neo4j's auth lockout.
        if (!readFileSync(logFile, "utf8").includes("POLYSTORE_READY")) return false;
        const driver = neo4j.driver(`bolt://${HOST}:${bolt}`, neo4j.auth.basic(admin.user, password), { connectionTimeout: 2000, maxConnectionPoolSize: 1 });
        try {
          const res = await driver.executeQuery("RETURN 1 AS ok");
          return res.records[0]?.get("ok")?.toNumber?.() === 1;
        } finally {
          await driver.close();
        }
      },
      { what: `neo4j at bolt://${HOST}:${bolt}`, timeoutMs: ctx.timeoutMs, spawned, logFile, intervalMs: 1000 },
    );
    ctx.log(`neo4j: ready on bolt://${HOST}:${bolt} (http ${http})`);
    return {
      kind: "neo4j" as const,
      processes: [spawned.proc],
      connection: connection({ kind: "neo4j", host: HOST, port: bolt, database: "neo4j", admin, options: { httpPort: String(http), scheme: "bolt" } }),
    };
  });
}
