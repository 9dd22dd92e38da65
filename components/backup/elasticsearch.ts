/**
 * Elasticsearch / OpenSearch: a scroll export per index (`<index>.ndjson`, one
 * `{ _id, _routing?, _source }` per line) with its settings, mappings and
 * aliases (`<index>.meta.json`), plus the composable index templates that match
 * those indices (`templates.json`). A snapshot repository is not used: an `fs`
 * repository needs `path.repo` on every node and a shared file system with the
 * machine running the backup, which a remote or managed cluster does not give.
 * Indices: every open or hidden index not starting with "." (the init lock excluded).
 * Restore: each index is loaded into a hidden staging index `polystore-r<id>-<name>`,
 * refreshed and counted; then the staging index is made read-only, the target
 * deleted and the staging index cloned to the target name (with its aliases)
 * and deleted. A failure before the switch deletes only the staging indices.
 */
import { createReadStream, createWriteStream, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { StoreConnection } from "../core/types";
import { addressOf, errorText } from "../init/adapter";
import { ES_LEDGER_INDEX, ES_LOCK_INDEX } from "../init/adapters/elasticsearch";
import { createSearchHttp, type SearchHttp, type SearchRequest } from "../init/adapters/search-http";
import { allCountDifferences, stagingName } from "./tools";
import { StoreNotUpError, type BackupDriver, type Counts } from "./types";

const GROUP = "documents per index";
const PAGE = 1000;
/** Settings the engine sets itself and refuses on index creation. */
const INTERNAL_SETTINGS = ["uuid", "creation_date", "provided_name", "version", "routing", "resize", "blocks", "history", "verified_before_close"];

export function createElasticsearchBackup(conn: StoreConnection): BackupDriver {
  const secrets = [conn.admin.password];
  let http: SearchHttp | undefined;
  const send = async (req: SearchRequest) => {
    http ??= createSearchHttp(conn, 120_000);
    try {
      return await http.send(req);
    } catch (err) {
      throw new Error(`${req.method} ${req.path}: ${errorText(err, secrets)}`);
    }
  };
  const enc = encodeURIComponent;

  async function indices(): Promise<string[]> {
    const r = await send({ method: "GET", path: "/_cat/indices", querystring: { format: "json", expand_wildcards: "open,hidden", h: "index" } });
    return (r.body as Array<{ index: string }>)
      .map((x) => x.index)
      .filter((i) => !i.startsWith(".") && i !== ES_LOCK_INDEX && !i.startsWith("polystore-r"))
      .sort();
  }
  async function count(index: string): Promise<number> {
    await send({ method: "POST", path: `/${enc(index)}/_refresh` });
    return Number((await send({ method: "GET", path: `/${enc(index)}/_count` })).body.count);
  }
  async function countAll(): Promise<Counts> {
    const out: Counts = {};
    for (const i of await indices()) out[i] = await count(i);
    return out;
  }

  /** Streams every document of `index` into `file`; returns how many. */
  async function exportIndex(index: string, file: string): Promise<number> {
    const out = createWriteStream(file, { mode: 0o600 });
    let n = 0;
    let r = await send({ method: "POST", path: `/${enc(index)}/_search`, querystring: { scroll: "5m" }, body: { size: PAGE, sort: ["_doc"] } });
    let scrollId: string | undefined = r.body._scroll_id;
    try {
      for (;;) {
        const hits = r.body.hits.hits as Array<{ _id: string; _routing?: string; _source: unknown }>;
        if (!hits.length) break;
        for (const h of hits) {
          if (!out.write(`${JSON.stringify({ _id: h._id, ...(h._routing ? { _routing: h._routing } : {}), _source: h._source })}\n`)) {
            await new Promise<void>((res) => out.once("drain", () => res()));
          }
          n++;
        }
        r = await send({ method: "POST", path: "/_search/scroll", body: { scroll: "5m", scroll_id: scrollId } });
        scrollId = r.body._scroll_id ?? scrollId;
      }
    } finally {
      await new Promise<void>((res) => out.end(() => res()));
      if (scrollId) await send({ method: "DELETE", path: "/_search/scroll", body: { scroll_id: scrollId }, ok: [404] }).catch(() => undefined);
    }
    return n;
  }

  async function importIndex(index: string, file: string): Promise<void> {
    let batch: unknown[] = [];
    const flush = async () => {
      if (!batch.length) return;
      const r = await send({ method: "POST", path: `/${enc(index)}/_bulk`, bulkBody: batch });
      batch = [];
      if (r.body.errors) {
        const first = (r.body.items as Array<Record<string, { error?: { type: string; reason: string } }>>).map((i) => Object.values(i)[0]?.error).find(Boolean);
        throw new Error(`bulk load into ${index} failed: ${first?.type}: ${first?.reason}`);
      }
    };
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      if (!line.trim()) continue;
      const d = JSON.parse(line) as { _id: string; _routing?: string; _source: unknown };
      batch.push({ index: { _id: d._id, ...(d._routing ? { routing: d._routing } : {}) } }, d._source);
      if (batch.length >= PAGE * 2) await flush();
    }
    await flush();
  }

  function creatableSettings(settings: Record<string, any>): Record<string, unknown> {
    const index = { ...(settings.index ?? {}) };
    for (const k of INTERNAL_SETTINGS) delete index[k];
    return { index };
  }

  const driver: BackupDriver = {
    kind: "elasticsearch",
    address: addressOf(conn),
    async ping() {
      try {
        await send({ method: "GET", path: "/_cluster/health" });
      } catch (err) {
        throw new StoreNotUpError("elasticsearch", driver.address, errorText(err, secrets));
      }
    },
    async dump(dir) {
      // `GET /` needs Elasticsearch 8's rest-root module (absent from the integ-test build); the nodes API is everywhere.
      const nodes = (await send({ method: "GET", path: "/_nodes/_local", querystring: { filter_path: "nodes.*.version" } })).body;
      const version = (Object.values(nodes?.nodes ?? {})[0] as { version?: string } | undefined)?.version ?? "unknown";
      const names = await indices();
      const counts: Counts = {};
      const files: string[] = [];
      for (const index of names) {
        const meta = (await send({ method: "GET", path: `/${enc(index)}`, querystring: { expand_wildcards: "open,hidden" } })).body[index];
        writeFileSync(join(dir, `${index}.meta.json`), JSON.stringify({ aliases: meta.aliases ?? {}, mappings: meta.mappings ?? {}, settings: creatableSettings(meta.settings ?? {}) }, null, 1), { mode: 0o600 });
        counts[index] = await exportIndex(index, join(dir, `${index}.ndjson`));
        files.push(`${index}.meta.json`, `${index}.ndjson`);
      }
      const all = (await send({ method: "GET", path: "/_index_template" })).body.index_templates as Array<{ name: string; index_template: { index_patterns: string[] | string } }>;
      const matches = (p: string) => names.some((n) => new RegExp(`^${p.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`).test(n));
      const templates = all.filter((t) => !t.name.startsWith(".") && [t.index_template.index_patterns].flat().some(matches));
      writeFileSync(join(dir, "templates.json"), JSON.stringify(templates, null, 1), { mode: 0o600 });
      files.push("templates.json");
      return {
        engineVersion: `${conn.options?.flavor === "opensearch" ? "OpenSearch" : "Elasticsearch"} ${version}`,
        method: "scroll export per index (NDJSON) with settings, mappings, aliases and matching index templates; counts are the export's",
        restoreMethod: "each index bulk-loaded into hidden staging index polystore-r<id>-<name>, counted, then made read-only, target deleted and staging cloned to the target name",
        files,
        counts: { [GROUP]: counts },
      };
    },
    async restore(dir, manifest, id, log) {
      const names = Object.keys(manifest.counts[GROUP] ?? {});
      const staging = (name: string) => `${stagingName("polystore", id, "-")}-${name}`;
      const dropStaging = async () => {
        for (const n of names) await send({ method: "DELETE", path: `/${enc(staging(n))}`, ok: [404] }).catch(() => undefined);
      };
      const metas = new Map(names.map((n) => [n, JSON.parse(readFileSync(join(dir, `${n}.meta.json`), "utf8")) as { aliases: object; mappings: object; settings: { index: Record<string, unknown> } }]));
      try {
        await dropStaging();
        for (const name of names) {
          const m = metas.get(name)!;
          log(`elasticsearch: loading ${name} into ${staging(name)}`);
          await send({ method: "PUT", path: `/${enc(staging(name))}`, body: { settings: { index: { ...m.settings.index, hidden: true } }, mappings: m.mappings } });
          await importIndex(staging(name), join(dir, `${name}.ndjson`));
        }
        const found: Counts = {};
        for (const n of names) found[n] = await count(staging(n));
        const diff = allCountDifferences({ [GROUP]: manifest.counts[GROUP] ?? {} }, { [GROUP]: found });
        if (diff.length) throw new Error(`staging indices do not match the manifest: ${diff.join("; ")}`);
      } catch (err) {
        await dropStaging();
        throw err;
      }
      log("elasticsearch: switching staging indices in");
      for (const name of names) {
        const m = metas.get(name)!;
        await send({ method: "PUT", path: `/${enc(staging(name))}/_settings`, body: { index: { "blocks.write": true } } });
        await send({ method: "DELETE", path: `/${enc(name)}`, ok: [404] });
        await send({
          method: "POST", path: `/${enc(staging(name))}/_clone/${enc(name)}`, querystring: { wait_for_active_shards: "1" },
          body: { settings: { index: { "blocks.write": false, hidden: m.settings.index.hidden ?? false } }, aliases: m.aliases },
        });
        await send({ method: "DELETE", path: `/${enc(staging(name))}` });
      }
      for (const t of JSON.parse(readFileSync(join(dir, "templates.json"), "utf8")) as Array<{ name: string; index_template: unknown }>) {
        await send({ method: "PUT", path: `/_index_template/${enc(t.name)}`, querystring: { create: true }, body: t.index_template, ok: [400] });
      }
    },
    async counts() {
      return { [GROUP]: await countAll() };
    },
    async ledger() {
      const r = await send({ method: "POST", path: `/${ES_LEDGER_INDEX}/_search`, body: { size: 10_000, query: { term: { success: true } } }, ok: [404] });
      if (r.status === 404) return [];
      return (r.body.hits.hits as Array<{ _source: { version: number } }>).map((h) => Number(h._source.version)).sort((a, b) => a - b);
    },
    async isEmpty() {
      for (const i of await indices()) if (i !== ES_LEDGER_INDEX && (await count(i)) > 0) return false;
      return true;
    },
    async wipe() {
      for (const i of await indices()) await send({ method: "DELETE", path: `/${enc(i)}` });
    },
    async close() {
      const h = http;
      http = undefined;
      await h?.close().catch(() => undefined);
    },
  };
  return driver;
}
