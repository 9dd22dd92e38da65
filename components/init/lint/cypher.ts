/** Neo4j (Cypher) rules: DELETE, DETACH DELETE, DROP CONSTRAINT / INDEX. */
import { lineIn, perStatement } from "./statements";
import { finding, type EngineLinter, type LintRule } from "./types";

const rule = (id: string, summary: string): LintRule => ({ id, severity: "error", stores: ["neo4j"], summary });

export const CYPHER_DELETE = rule("cypher-delete", "DELETE removes nodes or relationships.");
export const CYPHER_DETACH_DELETE = rule("cypher-detach-delete", "DETACH DELETE removes nodes together with all their relationships.");
export const CYPHER_DROP_SCHEMA = rule("cypher-drop-schema", "DROP CONSTRAINT / DROP INDEX removes a uniqueness guarantee or an index queries rely on.");

export const CYPHER_RULES: LintRule[] = [CYPHER_DELETE, CYPHER_DETACH_DELETE, CYPHER_DROP_SCHEMA];

export const lintCypher: EngineLinter = (script) =>
  perStatement(script, ["//"], (st, out) => {
    for (const m of st.code.matchAll(/\b(DETACH\s+)?DELETE\b/gi)) {
      out.push(m[1]
        ? finding(script, CYPHER_DETACH_DELETE, lineIn(st, m.index), "DETACH DELETE removes nodes and all their relationships")
        : finding(script, CYPHER_DELETE, lineIn(st, m.index), "DELETE removes nodes or relationships"));
    }
    const drop = /^DROP\s+(CONSTRAINT|INDEX)\b/i.exec(st.code);
    if (drop) out.push(finding(script, CYPHER_DROP_SCHEMA, st.line, `DROP ${drop[1]!.toUpperCase()} removes what queries and uniqueness rely on`));
  });
