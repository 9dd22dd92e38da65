/**
 * The MongoDB init-script format (init-scripts/mongodb/README.md) and the
 * server capabilities it can depend on. Pure functions, no I/O.
 */
import type { Document } from "mongodb";
import { errorText } from "../adapter";

export const MONGO_CAPABILITIES = ["documentValidation", "textIndex", "ttlIndex"] as const;
export type MongoCapability = (typeof MONGO_CAPABILITIES)[number];

/** What the server is and can do, from one `buildInfo`. */
export interface MongoServerInfo {
  engine: "mongodb" | "ferretdb";
  version: string;
  capabilities: Record<MongoCapability, boolean>;
  /** Whether createUser accepts roles (FerretDB 1.x: users without roles only). */
  roles: boolean;
}

export function serverInfoFromBuildInfo(info: Document): MongoServerInfo {
  if (typeof info.ferretdbVersion === "string") {
    return { engine: "ferretdb", version: info.ferretdbVersion, capabilities: { documentValidation: false, textIndex: false, ttlIndex: false }, roles: false };
  }
  return { engine: "mongodb", version: String(info.version), capabilities: { documentValidation: true, textIndex: true, ttlIndex: true }, roles: true };
}

/** One command of a script. */
export interface MongoStep {
  /** The command name (first key), e.g. `createIndexes`. */
  name: string;
  /** The collection or value the command names, for messages. */
  target: string;
  requires: MongoCapability[];
  /** The command document as sent (without `$requires`). */
  command: Document;
}

/** Parses and checks a `.json` script; every problem is reported at once (the caller names the file). */
export function parseMongoScript(text: string): MongoStep[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`not valid JSON (${errorText(err)})`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new Error(`expected a JSON object { "commands": [...] }`);
  const o = doc as Record<string, unknown>;
  const problems: string[] = [];
  for (const k of Object.keys(o)) if (k !== "description" && k !== "commands") problems.push(`unknown key "${k}" (allowed: description, commands)`);
  if (!Array.isArray(o.commands) || o.commands.length === 0) {
    problems.push(`"commands" must be a non-empty array of command documents`);
    throw new Error(problems.join("; "));
  }
  const steps: MongoStep[] = [];
  o.commands.forEach((c: unknown, i: number) => {
    const at = `commands[${i}]`;
    if (!c || typeof c !== "object" || Array.isArray(c)) return void problems.push(`${at}: expected a command document`);
    const { $requires, ...command } = c as Record<string, unknown>;
    const requires: MongoCapability[] = [];
    if ($requires !== undefined) {
      if (!Array.isArray($requires)) problems.push(`${at}.$requires: expected an array of ${MONGO_CAPABILITIES.join(", ")}`);
      else for (const r of $requires) {
        if ((MONGO_CAPABILITIES as readonly unknown[]).includes(r)) requires.push(r as MongoCapability);
        else problems.push(`${at}.$requires: unknown capability ${JSON.stringify(r)} (known: ${MONGO_CAPABILITIES.join(", ")})`);
      }
    }
    const keys = Object.keys(command);
    const bad = keys.filter((k) => k.startsWith("$"));
    if (bad.length) problems.push(`${at}: unsupported key(s) ${bad.join(", ")} (only $requires is understood; the database is always the connection's)`);
    if (keys.length === 0) return void problems.push(`${at}: empty command`);
    steps.push({ name: keys[0]!, target: String(command[keys[0]!]), requires, command });
  });
  if (problems.length) throw new Error(problems.join("; "));
  return steps;
}
