/**
 * Redis rules, on the line-per-command `.redis` format (adapters/redis-script.ts;
 * `#` lines are comments): FLUSHALL, FLUSHDB, DEL, UNLINK, CONFIG SET. The
 * runner refuses FLUSHALL/FLUSHDB outright; lint reports them before review.
 */
import { finding, type EngineLinter, type Finding, type LintRule } from "./types";

const rule = (id: string, summary: string): LintRule => ({ id, severity: "error", stores: ["redis"], summary });

export const REDIS_FLUSH = rule("redis-flush", "FLUSHALL / FLUSHDB delete every key (the runner refuses them too).");
export const REDIS_DEL = rule("redis-del", "DEL / UNLINK delete keys.");
export const REDIS_CONFIG_SET = rule("redis-config-set", "CONFIG SET changes server settings outside the store's configuration (eviction, persistence, auth) until the next restart.");

export const REDIS_RULES: LintRule[] = [REDIS_FLUSH, REDIS_DEL, REDIS_CONFIG_SET];

export const lintRedis: EngineLinter = (script) => {
  const out: Finding[] = [];
  script.content.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const [first = "", second = ""] = line.split(/[ \t]+/).map((w) => w.replace(/^["']|["']$/g, "").toUpperCase());
    if (first === "FLUSHALL" || first === "FLUSHDB") out.push(finding(script, REDIS_FLUSH, i + 1, `${first} deletes every key`));
    else if (first === "DEL" || first === "UNLINK") out.push(finding(script, REDIS_DEL, i + 1, `${first} deletes keys`));
    else if (first === "CONFIG" && second === "SET") out.push(finding(script, REDIS_CONFIG_SET, i + 1, "CONFIG SET changes a server setting"));
  });
  return out;
};
