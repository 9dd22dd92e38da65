/**
 * The README and docs stay true to the code: links resolve, the config paths they name exist in the
 * schema, the per-store image and memory table matches the catalog, and every `npm run` they tell people
 * to type is a script.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { configSchema } from "../../../stacks/config";
import { CATALOG } from "../../../components/stores";
import { STORE_KINDS } from "../../../components/core/types";

const ROOT = resolve(__dirname, "../../..");
const read = (f: string) => readFileSync(join(ROOT, f), "utf8");
const DOCS = ["README.md", "bench/README.md", "init-scripts/README.md", "test/harness/README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

describe("docs", () => {
  it.each(DOCS)("%s: every relative link resolves", (file) => {
    const text = read(file);
    const broken: string[] = [];
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!.split("#")[0]!;
      if (!target || /^[a-z]+:/.test(target)) continue;
      if (!existsSync(resolve(ROOT, dirname(file), target))) broken.push(target);
    }
    expect(broken).toEqual([]);
  });

  it("the stack files name only docs that exist", () => {
    const missing: string[] = [];
    for (const f of readdirSync(ROOT).filter((x) => /^Pulumi\..*\.ya?ml$/.test(x))) {
      for (const m of read(f).matchAll(/\b(docs\/[\w./-]+\.md)\b/g)) if (!existsSync(join(ROOT, m[1]!))) missing.push(`${f}: ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });

  it("every `npm run <script>` in the README is a script of package.json", () => {
    const scripts = Object.keys((JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts);
    const named = [...read("README.md").matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(10);
    expect([...new Set(named.filter((n) => !scripts.includes(n)))]).toEqual([]);
  });
});

/** The zod schema at a dotted path, through defaults and optionals; undefined when there is none. */
function schemaAt(path: string[]): unknown {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let node: any = configSchema;
  for (const key of path) {
    while (node?._zod?.def?.innerType) node = node._zod.def.innerType;
    if (node?._zod?.def?.type === "record") node = node._zod.def.valueType;
    else node = node?._zod?.def?.shape?.[key];
    if (!node) return undefined;
  }
  return node;
}

describe("the README's configuration reference", () => {
  const readme = read("README.md");

  it("names only config paths the schema has", () => {
    const rows = readme.split("\n").filter((l) => l.startsWith("| `polystore:"));
    expect(rows.length).toBeGreaterThan(10);
    const unknown: string[] = [];
    for (const row of rows) {
      const path = /^\| `polystore:([^`]+)`/.exec(row)![1]!;
      if (path.endsWith(".*")) continue;
      const parts = path.replace("<store>", "postgres").replace("<tool>", "pgadmin").split(".");
      if (!schemaAt(parts)) unknown.push(path);
    }
    expect(unknown).toEqual([]);
  });

  it("names each store key in its per-store table as a key of that store's schema", () => {
    const table = readme.slice(readme.indexOf("### Per store"), readme.indexOf("### Docker admin UIs"));
    for (const kind of STORE_KINDS) {
      const row = table.split("\n").find((l) => l.startsWith(`| \`${kind}\``))!;
      const keys = [...row.split("|")[4]!.matchAll(/`([a-z][a-zA-Z0-9]*)` \(/g)].map((m) => m[1]!);
      expect(keys.length, kind).toBeGreaterThan(0);
      for (const key of keys) expect(schemaAt(["stores", kind, key]), `${kind}.${key}`).toBeDefined();
    }
  });

  it("gives each store the image and memory the code pins", () => {
    const table = readme.slice(readme.indexOf("### Per store"), readme.indexOf("### Docker admin UIs"));
    for (const kind of STORE_KINDS) {
      const row = table.split("\n").find((l) => l.startsWith(`| \`${kind}\``));
      expect(row, `no row for ${kind}`).toBeDefined();
      const cells = row!.split("|").map((c) => c.trim());
      expect(cells[2], kind).toBe(`\`${CATALOG[kind].image}\``);
      expect(cells[3], kind).toBe(`${CATALOG[kind].memoryMb} MB`);
    }
  });
});
