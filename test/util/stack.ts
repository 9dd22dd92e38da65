import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

/** The project root. */
export const ROOT = path.resolve(__dirname, "../..");

/** `config:` of a stack file, as raw `polystore:` values (objects kept as objects). */
export function stackFileConfig(file: string): Record<string, unknown> {
  const doc = yaml.load(fs.readFileSync(path.resolve(ROOT, file), "utf8")) as { config?: Record<string, unknown> } | undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc?.config ?? {})) {
    if (!k.startsWith("polystore:")) continue;
    // `pulumi config set --secret` values are {secure: ...}: tests use plain ones.
    out[k.slice("polystore:".length)] = v;
  }
  return out;
}
