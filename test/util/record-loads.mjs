/**
 * Preload (`node --import ./test/util/record-loads.mjs ...`) that records every module the
 * process loads, for tests asserting which database drivers a program pulls in:
 *
 * - ESM: a module-customization `resolve` hook (module.register) appends each resolved URL;
 * - CommonJS (tsx compiles the project's .ts files to CJS, and every driver is CJS): at exit,
 *   every file in the CommonJS module cache, which also holds CJS modules imported from ESM.
 *
 * One path or URL per line, appended to the file named by POLYSTORE_LOAD_LOG.
 */
import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";

const log = process.env.POLYSTORE_LOAD_LOG;
if (!log) throw new Error("record-loads.mjs: set POLYSTORE_LOAD_LOG to the file to write");

register("./record-loads-hooks.mjs", { parentURL: import.meta.url, data: { log } });

const cache = createRequire(import.meta.url).cache;
process.on("exit", () => {
  appendFileSync(log, Object.keys(cache).map((f) => `cjs ${f}\n`).join(""));
});
