import { describe, expect, it } from "vitest";
import { splitStatements } from "../../../components/init/statements";

describe("splitStatements", () => {
  it("splits at ; and reports the line each statement starts on", () => {
    const body = "CREATE TABLE a (x Int8) ENGINE = Memory;\n\nCREATE TABLE b\n(\n  y Int8\n) ENGINE = Memory;\nSELECT 1";
    expect(splitStatements(body)).toEqual([
      { text: "CREATE TABLE a (x Int8) ENGINE = Memory", line: 1 },
      { text: "CREATE TABLE b\n(\n  y Int8\n) ENGINE = Memory", line: 3 },
      { text: "SELECT 1", line: 7 },
    ]);
  });

  it("never splits inside quoted literals, including escaped and doubled quotes", () => {
    const body = `INSERT INTO t VALUES ('a;b', 'it\\'s; fine', 'x'';y');\nSELECT "col;name", \`weird;id\` FROM t;`;
    const out = splitStatements(body).map((s) => s.text);
    expect(out).toEqual([`INSERT INTO t VALUES ('a;b', 'it\\'s; fine', 'x'';y')`, 'SELECT "col;name", `weird;id` FROM t']);
  });

  it("ignores ; inside -- and /* */ comments and drops comment-only pieces", () => {
    const body = "-- header; with semicolon\n/* block; comment\n spanning; lines */\nCREATE TABLE a (x Int8) ENGINE = Memory; -- trailing; note\n-- only a comment;\n";
    const out = splitStatements(body);
    expect(out).toHaveLength(1);
    expect(out[0]!.text).toContain("CREATE TABLE a (x Int8) ENGINE = Memory");
    expect(out[0]!.text.endsWith(";")).toBe(false);
  });

  it("supports other line-comment markers (Cypher //) and keeps URLs in strings intact", () => {
    const out = splitStatements("// setup;\nCREATE (n {url: 'http://x;y'});\nRETURN 1;", ["//"]).map((s) => s.text);
    expect(out).toEqual(["// setup;\nCREATE (n {url: 'http://x;y'})", "RETURN 1"]);
  });

  it("rejects an unterminated quote or block comment, naming the line", () => {
    expect(() => splitStatements("SELECT 1;\nSELECT 'oops;\nSELECT 2;")).toThrow(/unterminated ' quote starting on line 2/);
    expect(() => splitStatements("SELECT 1;\n\n/* never closed")).toThrow(/unterminated block comment starting on line 3/);
  });

  it("returns nothing for an empty or comment-only script", () => {
    expect(splitStatements("")).toEqual([]);
    expect(splitStatements("-- nothing\n\n;;\n")).toEqual([]);
  });
});
