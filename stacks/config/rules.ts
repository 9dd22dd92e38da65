import * as fs from "node:fs";
import * as path from "node:path";
import { CATALOG } from "../../components/stores";
import { isPolystoreDotEnv } from "../../components/secrets/dotenv-text";
import { storeModule } from "../../components/stores";
import type { StoreKind } from "../../components/core/types";
import { enabledKinds, scriptsDirOf, storeTarget, type ConfigCheck } from "./checks";
import { keyPath } from "./errors";
import type { PolystoreConfig } from "./schema";

/**
 * Cross-field rules inside one store: memory relations the engines document,
 * identities that would void least privilege, and paths that must stay in the
 * project. Each pushes one line per problem, naming the key and the rule.
 */

/** The container memory limit of a store polystore runs (docker, kubernetes); undefined on managed/external targets. */
function containerMemoryMb(cfg: PolystoreConfig, kind: StoreKind): number | undefined {
  const target = storeTarget(cfg, kind);
  if (target !== "docker" && target !== "kubernetes") return undefined;
  return cfg.stores[kind]!.memoryMb ?? CATALOG[kind].memoryMb;
}

/** Part of the Redis container maxmemory may take: 75%, leaving 25% for the fork of BGSAVE / AOF rewrite. */
export const REDIS_MAXMEMORY_SHARE = 0.75;
/** Off-heap room a Neo4j JVM needs beside heap + page cache (metaspace, thread stacks, Netty direct buffers, Lucene). */
export const NEO4J_OFF_HEAP_MB = 256;

/**
 * Memory each engine documents it needs inside the container limit:
 * - Redis: "while saving an RDB file on disk or rewriting the AOF log Redis may use up to 2 times
 *   the memory normally used" (redis.io, administration); AWS ElastiCache reserves 25% of a node for
 *   that fork and its buffers. Rule: maxmemoryMb ≤ 75% of memoryMb.
 * - Elasticsearch: "Set Xms and Xmx to no more than 50% of your total memory" (Elastic, "Set the JVM
 *   heap size"); the rest is direct memory (half the heap by default) and the file-system cache.
 * - Neo4j: "Total Physical Memory = Heap + Page Cache + OS Memory" (Neo4j memory configuration); in a
 *   container the JVM's off-heap memory must fit too. Rule: heapMb + pagecacheMb + 256 ≤ memoryMb.
 * - MongoDB: the default WiredTiger cache is max(50% of (RAM − 1 GB), 256 MB), and in a container it
 *   must be below the memory available to it (MongoDB, WiredTiger storage engine). Rule:
 *   wiredTigerCacheGb × 1024 ≤ max(0.5 × (memoryMb − 1024), 256).
 */
export const storeMemory: ConfigCheck = (cfg, problems) => {
  const limit = (kind: StoreKind) => containerMemoryMb(cfg, kind);
  const memKey = (kind: StoreKind) => keyPath(["stores", kind, "memoryMb"]);
  const r = cfg.stores.redis;
  const redisMb = r?.enabled ? limit("redis") : undefined;
  if (r && redisMb !== undefined && r.maxmemoryMb > Math.floor(redisMb * REDIS_MAXMEMORY_SHARE)) {
    problems.push(
      `${keyPath(["stores", "redis", "maxmemoryMb"])}: ${r.maxmemoryMb} MB leaves too little of the ${redisMb} MB container (${memKey("redis")}) for the fork of an AOF rewrite or RDB save, which "may use up to 2 times the memory normally used" (redis.io, administration), and for client and AOF buffers; expected at most 75% of memoryMb (${Math.floor(redisMb * REDIS_MAXMEMORY_SHARE)}), or memoryMb at least ${Math.ceil(r.maxmemoryMb / REDIS_MAXMEMORY_SHARE)}`,
    );
  }
  const es = cfg.stores.elasticsearch;
  const esMb = es?.enabled ? limit("elasticsearch") : undefined;
  if (es && esMb !== undefined && es.heapMb * 2 > esMb) {
    problems.push(
      `${keyPath(["stores", "elasticsearch", "heapMb"])}: a ${es.heapMb} MB heap in a ${esMb} MB container (${memKey("elasticsearch")}) breaks Elastic's rule "Set Xms and Xmx to no more than 50% of your total memory" (direct memory and the file-system cache need the rest); expected at most ${Math.floor(esMb / 2)}, or memoryMb at least ${es.heapMb * 2}`,
    );
  }
  const neo = cfg.stores.neo4j;
  const neoMb = neo?.enabled ? limit("neo4j") : undefined;
  if (neo && neoMb !== undefined && neo.heapMb + neo.pagecacheMb + NEO4J_OFF_HEAP_MB > neoMb) {
    const need = neo.heapMb + neo.pagecacheMb + NEO4J_OFF_HEAP_MB;
    problems.push(
      `${keyPath(["stores", "neo4j", "memoryMb"])}: heapMb ${neo.heapMb} + pagecacheMb ${neo.pagecacheMb} + ${NEO4J_OFF_HEAP_MB} MB for the JVM's off-heap and native memory is ${need} MB, more than the ${neoMb} MB container (Neo4j memory configuration: total memory = heap + page cache + the rest the process and OS need); expected memoryMb at least ${need}, or a smaller heap or page cache`,
    );
  }
  const mongo = cfg.stores.mongodb;
  const mongoMb = mongo?.enabled ? limit("mongodb") : undefined;
  if (mongo && mongoMb !== undefined) {
    const maxCacheMb = Math.max(0.5 * (mongoMb - 1024), 256);
    if (mongo.wiredTigerCacheGb * 1024 > maxCacheMb) {
      problems.push(
        `${keyPath(["stores", "mongodb", "wiredTigerCacheGb"])}: ${mongo.wiredTigerCacheGb} GB is more than MongoDB's own sizing for a ${mongoMb} MB container (${memKey("mongodb")}): max(50% of (RAM − 1 GB), 256 MB) = ${maxCacheMb} MB, which leaves room for connections, aggregation and the file-system cache; expected at most ${Math.floor((maxCacheMb / 1024) * 100) / 100}, or memoryMb at least ${Math.ceil(mongo.wiredTigerCacheGb * 1024 * 2 + 1024)}`,
      );
    }
  }
};

/** Identities that must stay apart: the application one is never an administrative one (each store's module names them). */
export const leastPrivilege: ConfigCheck = (cfg, problems) => {
  for (const kind of enabledKinds(cfg)) {
    const s = cfg.stores[kind]!;
    const mod = storeModule(kind);
    const users = mod.users(s);
    const appKey = keyPath(["stores", kind, users.appKey]);
    const admin = users.adminKey ? `the admin user (${keyPath(["stores", kind, users.adminKey])})` : `the built-in administrator of ${mod.title}`;
    const hit = [{ name: users.admin, what: admin }, ...users.privileged].find((p) => p.name === users.app);
    if (hit) problems.push(`${appKey}: "${users.app}" is ${hit.what}; the application identity must be a separate least-privilege one`);
    if (kind === "postgres") {
      const p = cfg.stores.postgres!;
      if (p.ownerRole === p.adminUser) problems.push(`${keyPath(["stores", kind, "ownerRole"])}: "${p.ownerRole}" is also the admin user (${keyPath(["stores", kind, "adminUser"])}); expected a separate NOLOGIN owner role`);
    }
    if (kind === "neo4j" && cfg.stores.neo4j!.database === "system") {
      problems.push(`${keyPath(["stores", "neo4j", "database"])}: "system" is Neo4j's administrative database (users, roles, databases); expected an application database such as neo4j`);
    }
    const ext = s.external;
    if (ext?.appUser !== undefined && ext.appUser === ext.adminUser) {
      problems.push(`${keyPath(["stores", kind, "external", "appUser"])}: "${ext.appUser}" is also ${keyPath(["stores", kind, "external", "adminUser"])}; the application must not log in as the administrator`);
    }
  }
};

/** Options of the checks that look at the file system. */
export interface PathContext {
  /** The project root paths are relative to (and must stay inside). */
  root: string;
  /** The stack, when known: its default env file `.env.<stack>` is checked too. */
  stack?: string;
}

function outside(root: string, p: string): boolean {
  const rel = path.relative(root, path.resolve(root, p));
  return rel === ".." || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
}

/** Whether this store's init scripts are read while polystore runs (`pulumi up`, init Jobs). */
function initScriptsRead(cfg: PolystoreConfig, kind: StoreKind): boolean {
  return cfg.initScripts.enabled && !(storeTarget(cfg, kind) === "aws" && cfg.aws?.initScripts === "none");
}

/** Script folders and the env file stay inside the project; folders exist; the env file is polystore's own. */
export function projectPaths(ctx: PathContext): ConfigCheck {
  return (cfg, problems) => {
    const inside = (key: string[], p: string, what: string): boolean => {
      if (!outside(ctx.root, p)) return true;
      problems.push(`${keyPath(key)}: ${JSON.stringify(p)} is outside the project (${ctx.root}); expected ${what} inside it, as a relative path`);
      return false;
    };
    const dirOk = inside(["initScripts", "dir"], cfg.initScripts.dir, "the init-scripts folder");
    for (const kind of enabledKinds(cfg)) {
      const own = cfg.stores[kind]!.initScripts;
      const key = own !== undefined ? ["stores", kind, "initScripts"] : ["initScripts", "dir"];
      if (own !== undefined ? !inside(key, own, `${kind}'s init-scripts folder`) : !dirOk) continue;
      if (!initScriptsRead(cfg, kind)) continue;
      const dir = scriptsDirOf(cfg, kind).dir;
      const abs = path.resolve(ctx.root, dir);
      if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) {
        problems.push(`${keyPath(key)}: ${JSON.stringify(dir)} is not a folder (looked for ${abs}); expected the folder of ${kind}'s init scripts (it may be empty), or ${keyPath(["initScripts", "enabled"])}: false`);
      }
    }
    const env = cfg.connectionSecrets.envFile;
    const file = env.path ?? (ctx.stack ? `.env.${ctx.stack}` : undefined);
    if (file === undefined || env.enabled === false) return;
    const key = ["connectionSecrets", "envFile", "path"];
    if (!inside(key, file, "the env file")) return;
    const abs = path.resolve(ctx.root, file);
    if (!fs.existsSync(abs)) return;
    const ours = fs.statSync(abs).isFile() && isPolystoreDotEnv(fs.readFileSync(abs, "utf8").slice(0, 512));
    if (!ours) {
      problems.push(`${keyPath(key)}: ${JSON.stringify(file)} already exists and polystore did not write it (no polystore header); \`pulumi up\` would overwrite it with secrets and \`pulumi destroy\` delete it; expected a new file name such as .env.${ctx.stack ?? "<stack>"}`);
    }
  };
}

/** RDS storage autoscaling needs a ceiling above the allocated storage. */
export const awsStorage: ConfigCheck = (cfg, problems) => {
  const a = cfg.stores.postgres?.aws;
  if (a && a.maxAllocatedStorageGb < a.allocatedStorageGb) {
    problems.push(
      `${keyPath(["stores", "postgres", "aws", "maxAllocatedStorageGb"])}: ${a.maxAllocatedStorageGb} GB is below allocatedStorageGb ${a.allocatedStorageGb}; RDS storage autoscaling needs a ceiling at least the allocated storage (expected at least ${a.allocatedStorageGb})`,
    );
  }
};

/** The rules of this module that need no file system. */
export const STORE_RULES: ConfigCheck[] = [storeMemory, leastPrivilege, awsStorage];
