/** Loader hooks of record-loads.mjs: appends every resolved URL to the log file (synchronously, so none is lost at exit). */
import { appendFileSync } from "node:fs";

let log;

export function initialize(data) {
  log = data.log;
}

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(log, `esm ${result.url}\n`);
  return result;
}
