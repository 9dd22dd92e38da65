/**
 * Issue 12, "Loading": no production code imports test code or reaches into Pulumi SDK
 * internals (modules under @pulumi/pulumi/ other than its public entry points).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../../..");
/** What `pulumi up`, the policy pack and the npm CLIs run (bench/ is developer tooling over the test harness). */
const PRODUCTION = ["components", "stacks", "policies"];
/** Public entry points of @pulumi/pulumi besides the package itself. */
const PUBLIC_PULUMI = new Set(["@pulumi/pulumi/automation"]);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === "node_modules" ? [] : sources(p);
    return /\.(ts|mts|cts|js|mjs)$/.test(name) && !/\.test\.ts$/.test(name) ? [p] : [];
  });
}

/** Every module specifier a file imports, requires or dynamically imports. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm)) out.push(m[1]!);
  return out;
}

const files = PRODUCTION.flatMap((d) => { try { return sources(join(ROOT, d)); } catch { return []; } });

describe("production code boundaries", () => {
  it("finds the production sources", () => {
    expect(files.some((f) => f.endsWith("policies/offline/evaluate.ts"))).toBe(true);
  });

  it("no production module imports test code", () => {
    const bad = files.flatMap((f) =>
      specifiers(readFileSync(f, "utf8"))
        .filter((s) => s.startsWith(".") && relative(ROOT, resolve(f, "..", s)).split("/")[0] === "test")
        .map((s) => `${relative(ROOT, f)}: ${s}`),
    );
    expect(bad).toEqual([]);
  });

  it("no production module imports an internal module of @pulumi/pulumi", () => {
    const bad = files.flatMap((f) =>
      specifiers(readFileSync(f, "utf8"))
        .filter((s) => s.startsWith("@pulumi/pulumi/") && !PUBLIC_PULUMI.has(s))
        .map((s) => `${relative(ROOT, f)}: ${s}`),
    );
    expect(bad).toEqual([]);
  });
});

/** Layers, lowest first: a file may import its own layer and the ones below, never one above. */
const LAYERS: Array<[string, string[]]> = [
  ["components/core", ["components/stores", "components/targets", "components/init", "components/secrets", "components/backup", "stacks", "policies"]],
  ["components/stores", ["components/targets", "components/secrets", "components/backup", "stacks", "policies"]],
  ["components/targets", ["components/secrets", "components/backup", "stacks", "policies"]],
  ["components", ["stacks", "policies"]],
];

describe("layers (issue 12: the bottom layer never depends on the top)", () => {
  it.each(LAYERS)("nothing under %s imports %j", (layer, above) => {
    const bad = files
      .filter((f) => relative(ROOT, f).startsWith(`${layer}/`))
      .flatMap((f) =>
        specifiers(readFileSync(f, "utf8"))
          .filter((s) => s.startsWith("."))
          .map((s) => relative(ROOT, resolve(f, "..", s)))
          .filter((target) => above.some((a) => target === a || target.startsWith(`${a}/`)))
          .map((target) => `${relative(ROOT, f)} imports ${target}`),
      );
    expect(bad).toEqual([]);
  });
});
