/**
 * Elasticsearch / OpenSearch rules, on the one-call JSON scripts parsed by the
 * runner's own parser (adapters/search-http.ts): DELETE of an index, data stream
 * or alias (also through `_aliases` remove/remove_index), `_delete_by_query`, `_close`.
 */
import { parseSearchScript, type SearchScriptCall } from "../adapters/search-http";
import { nthKeyLine } from "./json-lines";
import { PARSE_ERROR } from "./statements";
import { finding, type EngineLinter, type Finding, type LintRule, type LintScript } from "./types";

const rule = (id: string, summary: string): LintRule => ({ id, severity: "error", stores: ["elasticsearch"], summary });

export const ES_DELETE_INDEX = rule("es-delete-index", "DELETE of an index or data stream (or an _aliases remove_index action) deletes its documents.");
export const ES_DELETE_ALIAS = rule("es-delete-alias", "Removing an alias breaks every application reading or writing through it.");
export const ES_DELETE_BY_QUERY = rule("es-delete-by-query", "_delete_by_query deletes the matching documents.");
export const ES_CLOSE_INDEX = rule("es-close-index", "_close makes an index unreadable and unwritable until it is opened again.");

export const ELASTICSEARCH_RULES: LintRule[] = [ES_DELETE_INDEX, ES_DELETE_ALIAS, ES_DELETE_BY_QUERY, ES_CLOSE_INDEX];

function judgeCall(script: LintScript, call: SearchScriptCall): Finding[] {
  const out: Finding[] = [];
  const pathLine = nthKeyLine(script.content, "path");
  const segments = call.path.split("?")[0]!.split("/").filter(Boolean);
  const at = (r: LintRule, message: string, line = pathLine) => out.push(finding(script, r, line, message));
  if (segments.includes("_delete_by_query")) at(ES_DELETE_BY_QUERY, `${call.method} ${call.path} deletes documents`);
  if (segments[segments.length - 1] === "_close") at(ES_CLOSE_INDEX, `${call.method} ${call.path} closes the index`);
  if (call.method === "DELETE") {
    if (segments.includes("_alias") || segments.includes("_aliases")) at(ES_DELETE_ALIAS, `DELETE ${call.path} removes an alias`);
    else if (segments.length === 1 && !segments[0]!.startsWith("_")) at(ES_DELETE_INDEX, `DELETE ${call.path} deletes the index and its documents`);
    else if (segments[0] === "_data_stream") at(ES_DELETE_INDEX, `DELETE ${call.path} deletes the data stream and its documents`);
  }
  if (segments[0] === "_aliases" && call.body && typeof call.body === "object") {
    const actions = (call.body as { actions?: unknown }).actions;
    const counts = { remove: 0, remove_index: 0 };
    for (const a of Array.isArray(actions) ? actions : []) {
      for (const kind of ["remove", "remove_index"] as const) {
        if (a && typeof a === "object" && kind in a) {
          const line = nthKeyLine(script.content, kind, counts[kind]++);
          const target = JSON.stringify((a as Record<string, unknown>)[kind]);
          if (kind === "remove") at(ES_DELETE_ALIAS, `_aliases remove ${target} removes an alias`, line);
          else at(ES_DELETE_INDEX, `_aliases remove_index ${target} deletes the index`, line);
        }
      }
    }
  }
  return out;
}

export const lintElasticsearch: EngineLinter = (script) => {
  try {
    return judgeCall(script, parseSearchScript(script.content));
  } catch (err) {
    return [finding(script, PARSE_ERROR, 1, `${script.fileName}: ${(err as Error).message}`)];
  }
};
