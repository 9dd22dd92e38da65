/** What every benchmark part gets, and what it returns. */
import type { StoreConnection, StoreKind } from "../components/core/types";
import type { EngineGroup } from "./cpu";
import type { FlywayLauncher } from "./flyway";
import type { Namespaces } from "./namespaces";
import type { Figure } from "./stats";

export interface BenchContext {
  /** Admin connections of the harness's engines. */
  engines: Partial<Record<StoreKind, StoreConnection>>;
  ns: Namespaces;
  iterations: number;
  /** Private scratch directory (mode 0700), removed at the end. */
  workDir: string;
  log: (message: string) => void;
  flyway?: FlywayLauncher;
  /** Process-group leaders of the harness's engines (CPU accounting). */
  engineGroups: EngineGroup[];
}

export interface Section {
  id: string;
  title: string;
  figures: Figure[];
  /** Facts that are not timings (versions, counts, per-store details). */
  details?: Record<string, unknown>;
  /** Caveats printed under the section. */
  notes?: string[];
}
