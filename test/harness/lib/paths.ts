/**
 * Where the harness finds what test/harness/setup.sh installed, and the
 * identities engines run as.
 */
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, lstatSync, readdirSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";

export const FERRETDB_VERSION = "v1.24.2";
export const ELASTICSEARCH_VERSION = "8.14.1";
/** Non-root OS user Elasticsearch runs as when the harness runs as root (created by setup.sh). */
export const ENGINE_USER = "polystore";

/** Root of the harness cache: ${POLYSTORE_CACHE:-$HOME/.cache/polystore}. */
export function cacheDir(): string {
  return process.env.POLYSTORE_CACHE ?? join(homedir(), ".cache", "polystore");
}

/** The repository root (two levels above this folder's parent). */
export const REPO_DIR = resolve(__dirname, "..", "..", "..");
export const SETUP_SCRIPT = join(REPO_DIR, "test", "harness", "setup.sh");

export const isRoot = (): boolean => typeof process.getuid === "function" && process.getuid() === 0;

/** Locates an executable on PATH, or undefined. */
export function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const p = join(dir, cmd);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

/** The newest PostgreSQL server bin directory under /usr/lib/postgresql (or $POLYSTORE_PG_BINDIR). */
export function postgresBinDir(): string | undefined {
  if (process.env.POLYSTORE_PG_BINDIR) return process.env.POLYSTORE_PG_BINDIR;
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(base, v, "bin", "postgres")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(base, versions[0], "bin") : undefined;
}

/** JAVA_HOME, or the JDK the `java` on PATH belongs to. */
export function javaHome(): string | undefined {
  if (process.env.JAVA_HOME && existsSync(join(process.env.JAVA_HOME, "bin", "java"))) return process.env.JAVA_HOME;
  const java = which("java");
  return java ? dirname(dirname(realpathSync(java))) : undefined;
}

export interface HarnessPaths {
  pgBin?: string;
  redisServer?: string;
  ferretdb: string;
  neo4jDir: string;
  opensearchDir: string;
  elasticsearchHome: string;
  javaHome?: string;
}

export function harnessPaths(): HarnessPaths {
  const cache = cacheDir();
  return {
    pgBin: postgresBinDir(),
    redisServer: which("redis-server"),
    ferretdb: join(cache, "ferretdb", FERRETDB_VERSION, "ferretdb"),
    neo4jDir: join(cache, "java", "neo4j"),
    opensearchDir: join(cache, "java", "opensearch"),
    elasticsearchHome: join(cache, "java", "elasticsearch", "dist", `elasticsearch-${ELASTICSEARCH_VERSION}`),
    javaHome: javaHome(),
  };
}

/** Classpath of a Maven-built launcher: its classes plus every dependency jar. */
export function launcherClasspath(dir: string): string {
  return `${join(dir, "classes")}:${join(dir, "lib", "*")}`;
}

/** Runs a command as `user` when we are root (runuser), else as ourselves. */
export function asUser(user: string, command: string, args: string[]): { command: string; args: string[] } {
  return isRoot() ? { command: "runuser", args: ["-u", user, "--", command, ...args] } : { command, args };
}

/** Numeric uid/gid of an OS user (root only needs it for chown). */
export function userIds(user: string): { uid: number; gid: number } {
  const uid = Number(execFileSync("id", ["-u", user]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", user]).toString().trim());
  return { uid, gid };
}

/** chown -R to an OS user (the harness creates directories as root). Does not follow symlinks. */
export function chownTree(path: string, user: string): void {
  const { uid, gid } = userIds(user);
  const walk = (p: string): void => {
    chownSync(p, uid, gid);
    if (lstatSync(p).isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
  };
  walk(path);
}
