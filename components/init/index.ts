/**
 * polystore init scripts: the adapter contract, the runner and the Pulumi wiring.
 * Named exports only. Loads no database driver: adapters are loaded on demand (registry.ts).
 */
export * from "./types";
export * from "./adapter";
export { discoverScripts, checksumOf, normaliseText, substitutePlaceholders, prepareScript, ScriptDiscoveryError } from "./scripts";
export { splitStatements } from "./statements";
export { runStore, type Operation } from "./runner";
export { ADAPTER_REGISTRY, SCRIPT_EXTENSIONS, createAdapter, loadAdapter, scriptExtensions, type AdapterEntry } from "./registry";
export { PROJECT_ROOT, findProjectRoot } from "./project-root";
