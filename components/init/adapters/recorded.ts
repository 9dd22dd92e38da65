/**
 * The apply() skeleton shared by the adapters of engines without transactional
 * DDL (Neo4j, MongoDB, Elasticsearch): run the script, then write its ledger row,
 * success or failure, and on failure throw a {@link ScriptFailedError}.
 */
import { errorText, ScriptFailedError } from "../adapter";
import type { LedgerEntry, PreparedScript } from "../types";

/**
 * Runs `body` for `script` and records the outcome with `record`. A failure is
 * recorded as `success: false` with the first line of the error (secrets masked)
 * and rethrown as `ScriptFailedError(fileName, message, rolledBack=false)`.
 */
export async function applyAndRecord(
  script: PreparedScript,
  record: (entry: LedgerEntry) => Promise<void>,
  secrets: readonly string[],
  body: () => Promise<void>,
): Promise<LedgerEntry> {
  const started = Date.now();
  const entry = (success: boolean, error?: string): LedgerEntry => ({
    version: script.version, name: script.name, checksum: script.checksum,
    appliedAt: new Date().toISOString(), durationMs: Date.now() - started, success, ...(error ? { error } : {}),
  });
  let failure: string | undefined;
  try {
    await body();
  } catch (err) {
    failure = errorText(err, secrets);
  }
  if (failure !== undefined) {
    await record(entry(false, failure));
    throw new ScriptFailedError(script.fileName, failure, false);
  }
  const ok = entry(true);
  await record(ok);
  return ok;
}
