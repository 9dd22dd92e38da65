import { createHash } from "node:crypto";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checksumOf, discoverScripts, normaliseText, ScriptDiscoveryError, substitutePlaceholders } from "../../../components/init/scripts";

const dirs: string[] = [];
function dirWith(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), "polystore-scripts-"));
  dirs.push(d);
  for (const [name, text] of Object.entries(files)) {
    if (name.endsWith("/")) mkdirSync(join(d, name));
    else writeFileSync(join(d, name), text);
  }
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("discoverScripts", () => {
  it("returns scripts sorted by numeric version with name, extension and checksum", () => {
    const d = dirWith({ "010_later.sql": "SELECT 10;", "002_second.sql": "SELECT 2;", "001_first.sql": "SELECT 1;", "README.md": "docs", ".keep": "" });
    const scripts = discoverScripts(d, [".sql"]);
    expect(scripts.map((s) => [s.version, s.name, s.fileName, s.extension])).toEqual([
      [1, "first", "001_first.sql", ".sql"],
      [2, "second", "002_second.sql", ".sql"],
      [10, "later", "010_later.sql", ".sql"],
    ]);
    expect(scripts[0]!.checksum).toBe(checksumOf("SELECT 1;"));
    expect(scripts[0]!.path).toBe(join(d, "001_first.sql"));
  });

  it("reports every bad name, wrong extension, duplicate and directory at once, naming each file", () => {
    const d = dirWith({
      "001_ok.sql": "x",
      "1_short.sql": "x",
      "002 spaces.sql": "x",
      "003_wrong.cypher": "x",
      "004_a.sql": "x",
      "0004_b.sql": "x",
      "000_zero.sql": "x",
      "005_nested/": "",
      "notes.txt": "x",
    });
    let err: unknown;
    try {
      discoverScripts(d, [".sql"]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScriptDiscoveryError);
    const problems = (err as ScriptDiscoveryError).problems;
    expect(problems).toHaveLength(7);
    const text = problems.join("\n");
    expect(text).toMatch(/1_short\.sql: bad name/);
    expect(text).toMatch(/002 spaces\.sql: bad name/);
    expect(text).toMatch(/003_wrong\.cypher: extension \.cypher is not accepted here \(expected \.sql\)/);
    expect(text).toMatch(/0004_b\.sql: duplicate version 4 \(also used by 004_a\.sql\)|004_a\.sql: duplicate version 4 \(also used by 0004_b\.sql\)/);
    expect(text).toMatch(/000_zero\.sql: version must be greater than 0/);
    expect(text).toMatch(/005_nested: unexpected directory/);
    expect(text).toMatch(/notes\.txt: bad name/);
    expect((err as Error).message).toContain(d);
  });

  it("names the directory when it cannot be read", () => {
    expect(() => discoverScripts("/nonexistent/polystore/init", [".sql"])).toThrow(/\/nonexistent\/polystore\/init:[\s\S]*cannot read the directory/);
  });

  it("accepts several extensions for one store", () => {
    const d = dirWith({ "001_a.redis": "PING", "002_b.sql": "x" });
    expect(() => discoverScripts(d, [".redis"])).toThrow(/002_b\.sql: extension \.sql/);
    expect(discoverScripts(d, [".redis", ".sql"]).map((s) => s.version)).toEqual([1, 2]);
  });
});

describe("checksums", () => {
  it("are sha256 of the LF-normalised bytes: CRLF and CR checkouts give the same checksum", () => {
    expect(checksumOf("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const lf = "CREATE TABLE a (id int);\nSELECT 1;\n";
    expect(checksumOf(lf)).toBe(createHash("sha256").update(lf).digest("hex"));
    expect(checksumOf(Buffer.from(lf))).toBe(checksumOf(lf));
    expect(checksumOf(lf.replace(/\n/g, "\r\n"))).toBe(checksumOf(lf));
    expect(checksumOf(lf.replace(/\n/g, "\r"))).toBe(checksumOf(lf));
  });

  it("change when the content changes, even by whitespace inside a line", () => {
    expect(checksumOf("SELECT 1;")).not.toBe(checksumOf("SELECT  1;"));
  });

  it("files checked out with CRLF are discovered with the same checksum and LF content", () => {
    const d = dirWith({ "001_a.sql": "SELECT 1;\r\nSELECT 2;\r\n" });
    const [s] = discoverScripts(d, [".sql"]);
    expect(s!.checksum).toBe(checksumOf("SELECT 1;\nSELECT 2;\n"));
    expect(s!.content).toBe("SELECT 1;\nSELECT 2;\n");
    expect(normaliseText("a\r\nb\rc")).toBe("a\nb\nc");
  });
});

describe("substitutePlaceholders", () => {
  const values = { APP_ROLE: "shop_app", OWNER_ROLE: "shop_owner" };

  it("replaces ${NAME} everywhere it occurs", () => {
    expect(substitutePlaceholders("GRANT SELECT ON t TO ${APP_ROLE};\nALTER TABLE t OWNER TO ${OWNER_ROLE}; -- ${APP_ROLE}", values)).toBe(
      "GRANT SELECT ON t TO shop_app;\nALTER TABLE t OWNER TO shop_owner; -- shop_app",
    );
  });

  it("keeps $${NAME} as a literal ${NAME}", () => {
    expect(substitutePlaceholders("SELECT '$${APP_ROLE}'", values)).toBe("SELECT '${APP_ROLE}'");
  });

  it("leaves PostgreSQL dollar quoting alone", () => {
    const body = "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\nDO $body$ BEGIN END $body$;";
    expect(substitutePlaceholders(body, values)).toBe(body);
  });

  it("reports every unknown or malformed placeholder with file and line, listing the known names", () => {
    let message = "";
    try {
      substitutePlaceholders("ok ${APP_ROLE}\nbad ${APP_PASSWORD}\n\nworse ${lower}", values, "002_grants.sql");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("002_grants.sql:2: unknown placeholder ${APP_PASSWORD} (known: APP_ROLE, OWNER_ROLE)");
    expect(message).toContain("002_grants.sql:4: malformed placeholder ${lower}");
  });
});
