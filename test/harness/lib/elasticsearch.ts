/**
 * Elasticsearch 8.14.1: Elastic's own "integ-test" distribution from Maven
 * Central (server + transport-netty4 + x-pack-core + x-pack-security), run by
 * its bin/elasticsearch as a single node on loopback with security on (basic
 * auth; the `elastic` superuser's password is the keystore's
 * bootstrap.password). Elasticsearch refuses to run as root, so as root it
 * runs as the `polystore` OS user from a hard-linked copy of the distribution.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connection, engineDir, generatePassword, HOST, requireInstalled, stopOnFailure, type EngineContext, type StartedEngine } from "./context";
import { asUser, chownTree, ELASTICSEARCH_VERSION, ENGINE_USER, isRoot } from "./paths";
import { runCommand, spawnEngine, waitReady } from "./process";
import { clusterHealth } from "./search-health";

export async function startElasticsearch(ctx: EngineContext): Promise<StartedEngine> {
  const dist = ctx.paths.elasticsearchHome;
  requireInstalled("elasticsearch", `the Elasticsearch ${ELASTICSEARCH_VERSION} distribution (${dist})`, existsSync(join(dist, "bin", "elasticsearch")));
  requireInstalled("elasticsearch", "a JDK (JAVA_HOME or java on PATH)", ctx.paths.javaHome !== undefined);
  const port = ctx.ports.elasticsearch;
  const dir = engineDir(ctx, "elasticsearch");
  const conf = join(dir, "config");
  const logFile = join(dir, "elasticsearch.log");
  const password = generatePassword();

  // ES_HOME must be readable by the engine user; the cache may sit under /root.
  const home = isRoot() ? await linkedCopy(dist, join(dir, "home")) : dist;
  writeConfig(dist, conf, { dir, port, transportPort: ctx.ports.elasticsearchTransport });
  for (const d of ["data", "logs", "tmp"]) mkdirSync(join(dir, d), { recursive: true });
  if (isRoot()) for (const d of [conf, join(dir, "data"), join(dir, "logs"), join(dir, "tmp")]) chownTree(d, ENGINE_USER);

  const env = {
    ...process.env,
    ES_PATH_CONF: conf,
    ES_JAVA_HOME: ctx.paths.javaHome,
    ES_TMPDIR: join(dir, "tmp"),
    ES_JAVA_OPTS: `-Xms${heap(ctx)} -Xmx${heap(ctx)}`,
  };
  const keystore = asUser(ENGINE_USER, join(home, "bin", "elasticsearch-keystore"), ["add", "-x", "-f", "bootstrap.password"]);
  await runCommand(keystore.command, keystore.args, { env, stdin: password, cwd: dir });

  const server = asUser(ENGINE_USER, join(home, "bin", "elasticsearch"), []);
  const spawned = spawnEngine({ name: "elasticsearch", command: server.command, args: server.args, logFile, cwd: dir, env, cgroup: ctx.memory?.cgroup });

  return stopOnFailure([spawned], async () => {
    const admin = { user: "elastic", password };
    await waitReady(async () => (await clusterHealth(HOST, port, admin, "Elasticsearch")) !== undefined, {
      what: `elasticsearch at http://${HOST}:${port}`,
      timeoutMs: ctx.timeoutMs,
      spawned,
      logFile,
      intervalMs: 1000,
    });
    ctx.log(`elasticsearch: ${ELASTICSEARCH_VERSION} ready on http://${HOST}:${port}`);
    return {
      kind: "elasticsearch" as const,
      processes: [spawned.proc],
      connection: connection({
        kind: "elasticsearch",
        host: HOST,
        port,
        database: "polystore",
        admin,
        options: { flavor: "elasticsearch", scheme: "http", version: ELASTICSEARCH_VERSION },
      }),
    };
  });
}

/** The dev stack's heapMb when started with its memory settings (load suite), else $POLYSTORE_SEARCH_HEAP or 512m. */
function heap(ctx: EngineContext): string {
  if (ctx.memory?.shipped.heapMb) return `${ctx.memory.shipped.heapMb}m`;
  return process.env.POLYSTORE_SEARCH_HEAP ?? "512m";
}

/** `cp -al` (hard links: instant, no extra disk), falling back to a real copy across file systems. */
async function linkedCopy(src: string, dest: string): Promise<string> {
  try {
    await runCommand("cp", ["-al", src, dest]);
  } catch {
    await runCommand("cp", ["-a", src, dest]);
  }
  return dest;
}

/** A private config dir: the distribution's files, our elasticsearch.yml, jvm.options without file logging. */
function writeConfig(dist: string, conf: string, o: { dir: string; port: number; transportPort: number }): void {
  mkdirSync(join(conf, "jvm.options.d"), { recursive: true });
  for (const f of readdirSync(join(dist, "config"))) {
    const src = join(dist, "config", f);
    if (f !== "jvm.options.d" && f !== "elasticsearch.yml" && f !== "jvm.options") copyFileSync(src, join(conf, f));
  }
  const jvm = readFileSync(join(dist, "config", "jvm.options"), "utf8")
    .split("\n")
    .filter((l) => !/-Xlog|HeapDumpPath|HeapDumpOnOutOfMemoryError|ErrorFile/.test(l))
    .join("\n");
  writeFileSync(join(conf, "jvm.options"), jvm);
  writeFileSync(
    join(conf, "elasticsearch.yml"),
    [
      "cluster.name: polystore-harness",
      "node.name: es-harness",
      `path.data: ${join(o.dir, "data")}`,
      `path.logs: ${join(o.dir, "logs")}`,
      `network.host: ${HOST}`,
      `http.port: ${o.port}`,
      `transport.port: ${o.transportPort}`,
      "discovery.type: single-node",
      "xpack.security.enabled: true",
      "xpack.security.http.ssl.enabled: false",
      "xpack.security.transport.ssl.enabled: false",
      "cluster.routing.allocation.disk.threshold_enabled: false",
      "",
    ].join("\n"),
  );
}
