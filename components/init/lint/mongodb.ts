/**
 * MongoDB rules, on the `{ "commands": [...] }` scripts parsed by the runner's
 * own parser (adapters/mongodb-script.ts): drop, dropDatabase, dropIndexes,
 * delete with an empty filter, a removed validator.
 */
import type { Document } from "mongodb";
import { parseMongoScript, type MongoStep } from "../adapters/mongodb-script";
import { nthKeyLine } from "./json-lines";
import { PARSE_ERROR } from "./statements";
import { finding, type EngineLinter, type Finding, type LintRule } from "./types";

const rule = (id: string, summary: string): LintRule => ({ id, severity: "error", stores: ["mongodb"], summary });

export const MONGO_DROP = rule("mongo-drop", "drop removes a collection and its documents.");
export const MONGO_DROP_DATABASE = rule("mongo-drop-database", "dropDatabase removes the database and everything in it.");
export const MONGO_DROP_INDEXES = rule("mongo-drop-indexes", "dropIndexes removes indexes (unique ones guard data; others carry queries).");
export const MONGO_DELETE_EMPTY_FILTER = rule("mongo-delete-empty-filter", "delete with an empty filter deletes every document of the collection.");
export const MONGO_VALIDATOR_REMOVED = rule("mongo-validator-removed", "collMod with an empty validator or validationLevel \"off\" stops validating documents.");

export const MONGODB_RULES: LintRule[] = [MONGO_DROP, MONGO_DROP_DATABASE, MONGO_DROP_INDEXES, MONGO_DELETE_EMPTY_FILTER, MONGO_VALIDATOR_REMOVED];

const isEmpty = (v: unknown) => v === undefined || v === null || (typeof v === "object" && !Array.isArray(v) && Object.keys(v as object).length === 0);

/** What is wrong with one command, if anything. */
function judge(step: MongoStep): [LintRule, string] | undefined {
  const c: Document = step.command;
  switch (step.name) {
    case "drop":
      return [MONGO_DROP, `drop of collection ${step.target}`];
    case "dropDatabase":
      return [MONGO_DROP_DATABASE, "dropDatabase"];
    case "dropIndexes":
    case "deleteIndexes":
      return [MONGO_DROP_INDEXES, `${step.name} on ${step.target} (${JSON.stringify(c.index ?? "*")})`];
    case "delete": {
      const deletes: unknown[] = Array.isArray(c.deletes) ? c.deletes : [];
      if (deletes.some((d) => isEmpty((d as Document | null)?.q))) return [MONGO_DELETE_EMPTY_FILTER, `delete on ${step.target} with an empty filter deletes every document`];
      return undefined;
    }
    case "collMod":
      if (("validator" in c && isEmpty(c.validator)) || c.validationLevel === "off") return [MONGO_VALIDATOR_REMOVED, `collMod on ${step.target} removes its validator`];
      return undefined;
    default:
      return undefined;
  }
}

export const lintMongo: EngineLinter = (script) => {
  let steps: MongoStep[];
  try {
    steps = parseMongoScript(script.content);
  } catch (err) {
    return [finding(script, PARSE_ERROR, 1, `${script.fileName}: ${(err as Error).message}`)];
  }
  const out: Finding[] = [];
  const seen = new Map<string, number>();
  for (const step of steps) {
    const nth = seen.get(step.name) ?? 0;
    seen.set(step.name, nth + 1);
    const verdict = judge(step);
    if (verdict) out.push(finding(script, verdict[0], nthKeyLine(script.content, step.name, nth), verdict[1]));
  }
  return out;
};
