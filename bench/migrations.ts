/**
 * Generates N realistic PostgreSQL migrations twice, byte-identical bodies under
 * two naming schemes: `NNN_description.sql` (polystore) and `V<N>__description.sql`
 * (Flyway). Each migration creates a table with a primary key and defaults, an
 * index, alters the previous migration's table, inserts a few rows and creates
 * a view: five statements, the shape of a typical schema change.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface MigrationSet {
  root: string;
  /** Directory of `NNN_description.sql` files (polystore's runner and the psql loop). */
  polystoreDir: string;
  /** Directory of `V<N>__description.sql` files (Flyway). */
  flywayDir: string;
  count: number;
  /** Objects the set creates, to verify every tool ended in the same state. */
  expect: { tables: number; views: number; indexes: number; rows: number };
}

const NOUNS = ["orders", "invoices", "customers", "shipments", "products", "reviews", "payments", "carts", "coupons", "refunds"];

/** The SQL body of migration `k` (1-based). */
export function migrationSql(k: number): string {
  const t = `t_${k}`;
  const noun = NOUNS[k % NOUNS.length];
  const lines = [
    `-- ${noun} (${k}): table, index, change to the previous table, seed rows, reporting view`,
    `CREATE TABLE ${t} (`,
    `  id bigserial PRIMARY KEY,`,
    `  tenant_id integer NOT NULL,`,
    `  name text NOT NULL,`,
    `  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),`,
    `  amount numeric(12, 2) NOT NULL DEFAULT 0,`,
    `  created_at timestamptz NOT NULL DEFAULT now(),`,
    `  payload jsonb NOT NULL DEFAULT '{}'::jsonb`,
    `);`,
    `CREATE INDEX ${t}_tenant_created ON ${t} (tenant_id, created_at DESC);`,
  ];
  if (k > 1) lines.push(`ALTER TABLE t_${k - 1} ADD COLUMN ${noun}_ref bigint;`);
  lines.push(
    `INSERT INTO ${t} (tenant_id, name, amount, payload) VALUES`,
    `  (1, '${noun} one', 10.50, '{"source": "seed"}'),`,
    `  (1, '${noun} two', 20.00, '{"source": "seed"}'),`,
    `  (2, '${noun} three', 5.25, '{"source": "seed", "flag": true}');`,
    `CREATE VIEW v_${k} AS SELECT tenant_id, count(*) AS n, sum(amount) AS total FROM ${t} WHERE status = 'active' GROUP BY tenant_id;`,
    "",
  );
  return lines.join("\n");
}

/** Writes `count` migrations into a fresh temporary directory. */
export function generateMigrations(count: number, parent = tmpdir()): MigrationSet {
  const root = mkdtempSync(join(parent, "polystore-bench-migrations-"));
  const polystoreDir = join(root, "polystore");
  const flywayDir = join(root, "flyway");
  mkdirSync(polystoreDir);
  mkdirSync(flywayDir);
  const width = Math.max(3, String(count).length);
  for (let k = 1; k <= count; k++) {
    const desc = `${NOUNS[k % NOUNS.length]}_${k}`;
    const sql = migrationSql(k);
    writeFileSync(join(polystoreDir, `${String(k).padStart(width, "0")}_${desc}.sql`), sql);
    writeFileSync(join(flywayDir, `V${k}__${desc}.sql`), sql);
  }
  return { root, polystoreDir, flywayDir, count, expect: { tables: count, views: count, indexes: 2 * count, rows: 3 * count } };
}
