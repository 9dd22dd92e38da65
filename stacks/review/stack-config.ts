import type { ConfigMap } from "@pulumi/pulumi/automation";
import { formatPath, valueAt } from "./fill";
import type { ConfigEntry, LeafPath } from "./template";

/**
 * How filled-in template values are written into a review stack. Pulumi
 * keeps secrets per leaf (`{ secure: ... }` inside objects), so:
 *  - `config set-all --json` writes every key, with secret leaves of objects
 *    blanked (a whole-object secret is not representable in a stack file);
 *  - `config set-all --path --secret` then writes each secret leaf encrypted.
 */

/** Object value with its secret leaves replaced by "" (written in the clear step). */
function blankSecrets(obj: unknown, paths: LeafPath[]): unknown {
  const copy = JSON.parse(JSON.stringify(obj)) as unknown;
  for (const p of paths) {
    if (p.length === 0) continue;
    const parent = valueAt(copy, p.slice(0, -1));
    if (typeof parent === "object" && parent !== null) (parent as Record<string | number, unknown>)[p[p.length - 1]] = "";
  }
  return copy;
}

/** The `config set-all --json` payload: every key, secret scalars encrypted, secret leaves blank. */
export function jsonPayload(entries: Record<string, ConfigEntry>): Record<string, { value: string; objectValue?: unknown; secret: boolean }> {
  const out: Record<string, { value: string; objectValue?: unknown; secret: boolean }> = {};
  for (const [key, e] of Object.entries(entries)) {
    if (e.objectValue === undefined) out[key] = { value: e.value, secret: e.secret };
    else {
      const objectValue = blankSecrets(e.objectValue, e.secretPaths ?? []);
      out[key] = { value: JSON.stringify(objectValue), objectValue, secret: false };
    }
  }
  return out;
}

/** The `config set-all --path` entries of the secret leaves (each a string, stored encrypted). */
export function secretLeafConfig(entries: Record<string, ConfigEntry>): ConfigMap {
  const out: ConfigMap = {};
  for (const [key, e] of Object.entries(entries)) {
    if (e.objectValue === undefined) continue;
    for (const p of e.secretPaths ?? []) {
      if (p.length === 0) continue;
      const v = valueAt(e.objectValue, p);
      out[formatPath(key, p)] = { value: typeof v === "string" ? v : JSON.stringify(v), secret: true };
    }
  }
  return out;
}
