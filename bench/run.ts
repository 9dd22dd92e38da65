/**
 * `npm run bench`: polystore's init-script runner against Flyway and a psql
 * loop, its no-op re-runs, all six stores at once, the offline policy check
 * and the dev stack's memory footprint — measured side by side in one run on
 * the real engines of the test harness (bash test/harness/setup.sh first).
 *
 *   npm run bench [-- --iterations 5] [--migrations 200] [--parts apply,noop,concurrent,policy,footprint,backup] [--stores postgres,redis,…] [--search elasticsearch|opensearch]
 *
 * Prints a table and writes bench/results.json. See bench/README.md.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createAdapter } from "../components/init";
import type { StoreKind } from "../components/core/types";
import { evaluateStack } from "../policies/check";
import { startEngines, type EngineKind, type HarnessRun } from "../test/harness/engines";
import { benchApply } from "./apply";
import { benchBackup } from "./backup";
import { benchConcurrent } from "./concurrent";
import type { BenchContext, Section } from "./context";
import { ensureFlyway } from "./flyway";
import { benchFootprint } from "./footprint";
import { benchLoad } from "./load";
import { machineInfo, type Machine } from "./machine";
import { APP_USER, Namespaces, OWNER_ROLE } from "./namespaces";
import { benchNoop } from "./noop";
import { benchPolicy } from "./policy";
import { ROOT } from "./proc";
import { formatMachine, formatTable, targets } from "./report";
import { CliUsageError, EXIT, exitCodeOf, wantsHelp } from "../stacks/cli/exit";

const PARTS = ["apply", "noop", "concurrent", "policy", "footprint", "backup", "load"] as const;
type Part = (typeof PARTS)[number];
const ENGINES: StoreKind[] = ["postgres", "redis", "mongodb", "neo4j", "elasticsearch", "clickhouse"];
/** Harness port offset of the bench engines; POLYSTORE_BENCH_PORT_OFFSET overrides it on a shared machine. */
const PORT_OFFSET = Number(process.env.POLYSTORE_BENCH_PORT_OFFSET ?? 300);
const MIN_ITERATIONS = 5;

interface Options {
  iterations: number;
  migrations: number;
  parts: Part[];
  /** Stores for parts 2, 3 and 6 (default all six; fewer only for trying things out). */
  stores: StoreKind[];
  /** Engine behind the elasticsearch store: Elasticsearch 8.14 (default) or OpenSearch 2.19. */
  search: "elasticsearch" | "opensearch";
}

const HELP = `usage: npm run bench [-- --iterations 5] [--migrations 200] [--parts ${PARTS.join(",")}] [--stores ${ENGINES.join(",")}] [--search elasticsearch|opensearch]
  Measures polystore side by side with Flyway and a psql loop on the harness's real engines (started on port offset ${PORT_OFFSET}),
  prints a table and writes bench/results.json (see bench/README.md). Needs the engines: npm run setup:engines.
  --iterations <n>   counted runs per figure (default ${MIN_ITERATIONS}; fewer is for trying it out, not for reporting)
  --migrations <n>   PostgreSQL migrations in the apply and no-op parts (default 200)
  --parts <list>     which parts to run (default all: ${PARTS.join(", ")})
  --stores <list>    stores for the no-op and concurrent parts (default all six)
  --search <engine>  engine behind the elasticsearch store (default elasticsearch)
  -h, --help         this text
exit codes: 0 ok, 1 a measurement failed, 2 usage error, 3 environment not ready`;

function options(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { iterations: { type: "string" }, migrations: { type: "string" }, parts: { type: "string" }, stores: { type: "string" }, search: { type: "string" } },
      strict: true,
    }));
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
  const problems: string[] = [];
  const iterations = Number(values.iterations ?? process.env.BENCH_ITERATIONS ?? MIN_ITERATIONS);
  if (!Number.isInteger(iterations) || iterations < 1) problems.push(`--iterations ${values.iterations}: expected a positive integer (at least ${MIN_ITERATIONS} for a reportable run)`);
  const migrations = Number(values.migrations ?? 200);
  if (!Number.isInteger(migrations) || migrations < 1 || migrations > 5000) problems.push(`--migrations ${values.migrations}: expected an integer from 1 to 5000`);
  const parts = (values.parts ?? PARTS.join(",")).split(",").map((p) => p.trim()).filter(Boolean);
  const unknown = parts.filter((p) => !PARTS.includes(p as Part));
  if (unknown.length) problems.push(`--parts: unknown part(s) ${unknown.join(", ")} (expected some of ${PARTS.join(", ")})`);
  const stores = (values.stores ?? ENGINES.join(",")).split(",").map((p) => p.trim()).filter(Boolean);
  const badStores = stores.filter((k) => !ENGINES.includes(k as StoreKind));
  if (badStores.length) problems.push(`--stores: unknown store(s) ${badStores.join(", ")} (expected some of ${ENGINES.join(", ")})`);
  const search = values.search ?? "elasticsearch";
  if (search !== "elasticsearch" && search !== "opensearch") problems.push(`--search ${search}: expected elasticsearch or opensearch`);
  if (problems.length) throw new CliUsageError(problems.join("\n"));
  return { iterations, migrations, parts: parts as Part[], stores: stores as StoreKind[], search: search as Options["search"] };
}

/** The harness's connections keyed by store kind (OpenSearch serves the elasticsearch store when chosen). */
function storeConnections(run: HarnessRun): BenchContext["engines"] {
  const out: BenchContext["engines"] = {};
  for (const conn of Object.values(run.connections)) if (conn) out[conn.kind] = conn;
  return out;
}

async function engineVersions(engines: BenchContext["engines"], machine: Machine): Promise<void> {
  for (const kind of ENGINES) {
    const conn = engines[kind];
    if (!conn) continue;
    // Adapters refuse an app identity equal to the admin; serverVersion() never uses it.
    const a = await createAdapter({ ...conn, app: { user: APP_USER, password: "unused" }, options: { ...conn.options, ownerRole: OWNER_ROLE } });
    try {
      await a.connect();
      machine.engines[kind] = (await a.serverVersion()) ?? "?";
    } catch (err) {
      machine.engines[kind] = `? (${(err as Error).message.split("\n")[0]})`;
    } finally {
      await a.close();
    }
  }
  machine.postgres = `PostgreSQL ${machine.engines.postgres ?? "?"}`;
}

async function main(): Promise<number> {
  if (wantsHelp(process.argv.slice(2))) {
    process.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }
  const started = Date.now();
  const opts = options(process.argv.slice(2));
  const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);
  if (opts.iterations < MIN_ITERATIONS) log(`WARNING: ${opts.iterations} iteration(s): fewer than ${MIN_ITERATIONS}, for trying the benchmark out only`);
  const machine = machineInfo();
  const workDir = mkdtempSync(join(tmpdir(), "polystore-bench-"));
  const sections: Section[] = [];
  let engines: HarnessRun | undefined;
  const stop = async () => {
    const e = engines;
    engines = undefined;
    if (e) await e.stop();
    rmSync(workDir, { recursive: true, force: true });
  };
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => void stop().finally(() => process.exit(130)));
  }
  try {
    const ctx: BenchContext = { engines: {}, ns: new Namespaces({}), iterations: opts.iterations, workDir, log, engineGroups: [] };
    const has = (p: Part) => opts.parts.includes(p);

    if (has("policy") || has("footprint")) {
      // No engines running yet: the policy check is pure CPU and would be skewed by idle JVMs.
      const dev = await evaluateStack(join(ROOT, "Pulumi.dev.yaml"));
      if (dev.error) throw new Error(`Pulumi.dev.yaml could not be evaluated: ${dev.error.message}`);
      if (has("footprint")) sections.push(benchFootprint(dev));
      if (has("policy")) sections.push(await benchPolicy(ctx, dev));
    }

    if (has("load")) {
      // One store at a time, before the other parts start their engines: each alone in its memory cgroup.
      const t = Date.now();
      const section = await benchLoad(opts.stores, process.env.POLYSTORE_HARNESS_PORT_OFFSET ? undefined : PORT_OFFSET, log);
      section.details = { ...section.details, partSeconds: Math.round((Date.now() - t) / 1000) };
      sections.push(section);
    }

    if (has("apply") || has("noop") || has("concurrent") || has("backup")) {
      if (has("apply")) {
        ctx.flyway = ensureFlyway(log);
        machine.flyway = ctx.flyway.version;
        log(`Flyway ${ctx.flyway.version} launcher ${ctx.flyway.built ? `built in ${ctx.flyway.buildSeconds.toFixed(0)} s` : "cached"}`);
      }
      const kinds: StoreKind[] = has("noop") || has("concurrent") || has("backup") ? [...new Set<StoreKind>([...opts.stores, ...(has("apply") ? ["postgres" as const] : [])])] : ["postgres"];
      log(`starting engines ${kinds.map((k) => (k === "elasticsearch" ? opts.search : k)).join(", ")} (port offset ${PORT_OFFSET}); JVM engines take a minute or two on 2 cores`);
      const t0 = Date.now();
      const engineKinds: EngineKind[] = kinds.map((k) => (k === "elasticsearch" ? opts.search : k));
      engines = await startEngines(engineKinds, { portOffset: PORT_OFFSET, log });
      log(`engines ready in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      ctx.engines = storeConnections(engines);
      ctx.engineGroups = engines.state.processes.map((p) => ({ name: p.name, pid: p.pid }));
      ctx.ns = new Namespaces(ctx.engines);
      await engineVersions(ctx.engines, machine);
      const runPart = async (p: Part, f: () => Promise<Section>) => {
        if (!has(p)) return;
        const t = Date.now();
        const section = await f();
        section.details = { ...section.details, partSeconds: Math.round((Date.now() - t) / 1000) };
        sections.push(section);
      };
      await runPart("apply", () => benchApply(ctx, opts.migrations));
      await runPart("noop", () => benchNoop(ctx));
      await runPart("concurrent", () => benchConcurrent(ctx));
      await runPart("backup", () => benchBackup(ctx));
    }
  } finally {
    await stop();
  }

  machine.loadAverage1mEnd = Math.round(loadavg()[0]! * 100) / 100;
  // A run of some parts keeps the other parts' sections of the previous bench/results.json, marked with their run's date.
  const previousFile = join(__dirname, "results.json");
  if (opts.parts.length < PARTS.length && existsSync(previousFile)) {
    const previous = JSON.parse(readFileSync(previousFile, "utf8")) as { generatedAt?: string; sections?: Section[] };
    for (const old of previous.sections ?? []) {
      if (opts.parts.includes(old.id as Part)) continue;
      sections.push({ ...old, details: { ...old.details, fromRun: (old.details?.fromRun as string | undefined) ?? previous.generatedAt } });
    }
  }
  const order = PARTS as readonly string[];
  sections.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  const totalS = Math.round((Date.now() - started) / 1000);
  const t = targets(sections);
  const text = [
    `polystore benchmark — ${new Date().toISOString()} — ${opts.iterations} runs per figure, ${totalS} s in total`,
    formatMachine(machine),
    formatTable(sections, opts.iterations),
    "",
    "Targets (checked on the median):",
    ...t.map((f) => `  ${f.key}: median ${f.median} ${f.target!.op === ">=" ? "≥" : "≤"} ${f.target!.value}: ${f.target!.met ? "met" : "NOT met"}`),
  ].join("\n");
  process.stdout.write(`${text}\n`);
  const results = {
    generatedAt: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim(),
    iterations: opts.iterations,
    options: opts,
    reportable: opts.iterations >= MIN_ITERATIONS && opts.stores.length === ENGINES.length && opts.parts.length === PARTS.length,
    totalSeconds: totalS,
    machine,
    sections,
    targets: t.map((f) => ({ key: f.key, median: f.median, op: f.target!.op, value: f.target!.value, met: f.target!.met })),
    table: text,
  };
  writeFileSync(join(__dirname, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote bench/results.json (${totalS} s)`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof CliUsageError) process.stderr.write(`[bench] ${err.message}\n(npm run bench -- --help for usage)\n`);
    else process.stderr.write(`[bench] ERROR: ${(err as Error)?.stack ?? err}\n`);
    process.exit(exitCodeOf(err));
  },
);
