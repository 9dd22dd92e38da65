/**
 * The project root, defined once: the nearest folder at or above a starting point that
 * holds `Pulumi.yaml`. Everything that needs the root (CLIs, the init dynamic resource,
 * default script and backup folders) uses {@link PROJECT_ROOT} or, where the starting
 * point is only known at run time, {@link findProjectRoot}.
 */

/**
 * The nearest folder at or above `from` that holds `Pulumi.yaml` (the filesystem root when
 * none does). Self-contained, it `require`s what it uses: the init dynamic provider, which
 * Pulumi serialises, calls it from the process's working directory.
 */
export function findProjectRoot(from: string): string {
  const { existsSync } = require("node:fs") as typeof import("node:fs");
  const path = require("node:path") as typeof import("node:path");
  let root = path.resolve(from);
  while (!existsSync(path.join(root, "Pulumi.yaml")) && path.dirname(root) !== root) root = path.dirname(root);
  return root;
}

/** The root of this project (the folder of `Pulumi.yaml` above components/init/). */
export const PROJECT_ROOT = findProjectRoot(__dirname);
