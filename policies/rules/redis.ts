import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { filled, known, label, list, must, parameters, referenced, settings, type Props } from "./util";
import { SERVER_SETTINGS_LABEL } from "../../components/core/spec";
import { containersOf, type ContainerView } from "./workloads";

const EC_RG = "aws:elasticache/replicationGroup:ReplicationGroup";
const EC_CLUSTER = "aws:elasticache/cluster:Cluster";
const EC_SERVERLESS = "aws:elasticache/serverlessCache:ServerlessCache";
const EC_PARAMS = "aws:elasticache/parameterGroup:ParameterGroup";
const MEMORYDB = "aws:memorydb/cluster:Cluster";
const MEMORYDB_PARAMS = "aws:memorydb/parameterGroup:ParameterGroup";

/** Every eviction policy but `noeviction` (writes fail when memory is full). */
export const EVICTING_POLICIES = ["allkeys-lru", "volatile-lru", "allkeys-lfu", "volatile-lfu", "allkeys-random", "volatile-random", "volatile-ttl"];

/** Whether a container runs Redis (or Valkey): polystore's label, a redis-server command, or a redis image. */
export function isRedisContainer(c: ContainerView): boolean {
  if (c.labels["polystore.store"] === "redis") return true;
  if (c.argv.some((a) => /(^|[\s/])(redis|valkey)-server(\s|$)/.test(a))) return true;
  return typeof c.image === "string" && /(^|\/)(redis|valkey)(:|@|$)/.test(c.image);
}

/** A redis-server flag's value from argv (flags may sit inside an `sh -c` string). */
export function redisFlag(argv: string[], flag: string): string | undefined {
  const joined = argv.join(" ");
  const m = new RegExp(`--${flag}(?:\\s+|=)(?:"([^"]*)"|'([^']*)'|([^\\s"']+))`).exec(joined);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

/** `512mb`, `1gb`, `536870912` → bytes; undefined when not a size. */
export function redisBytes(v: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|m|mb|g|gb)?$/i.exec(v.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? "b").toLowerCase();
  const mult = { b: 1, k: 1000, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 }[unit] ?? 1;
  return Number(m[1]) * mult;
}

/**
 * The `default` user's rules when the container configures it in a config text on its
 * command line (polystore's `redis-server -` here-document: `user default reset on #<hash> …`).
 */
function defaultUserRules(c: ContainerView): string | undefined {
  return /(?:^|\n)\s*user\s+default\s+([^\n]*)/.exec(c.argv.join("\n"))?.[1];
}

/** Why a Redis container does not require a password, or undefined. */
function containerAuthProblem(c: ContainerView): string | undefined {
  if (redisFlag(c.argv, "aclfile")) return undefined;
  const rules = defaultUserRules(c);
  if (rules !== undefined) {
    if (/(^|\s)nopass(\s|$)/.test(rules) || !/(^|\s)on(\s|$)/.test(rules) || !/(^|\s)[#>]/.test(rules)) {
      return `configures the default user without a password ("user default ${rules.slice(0, 40)}…")`;
    }
    // Passwords taken from the environment must name variables the container has, and be filled.
    for (const [, name] of rules.matchAll(/\$\{?([A-Za-z_]\w*)\}?/g)) {
      if (!c.env.has(name!)) return `configures the default user's password from $${name} but ${name} is not in the container's environment`;
      if (c.env.get(name!) === "") return `configures the default user's password from $${name} but ${name} is empty`;
    }
    return undefined;
  }
  const pass = redisFlag(c.argv, "requirepass");
  if (pass === undefined) return "starts redis-server without --requirepass or --aclfile";
  // `$VAR` / `${VAR}` (shell) or `$(VAR)` (Kubernetes args expansion) must name a variable the container has.
  const ref = /^\$(?:\{([A-Za-z_]\w*)\}|\(([A-Za-z_]\w*)\)|([A-Za-z_]\w*))$/.exec(pass);
  if (!ref) return pass === "" ? "passes an empty --requirepass" : undefined;
  const name = ref[1] ?? ref[2] ?? ref[3];
  if (!c.env.has(name)) return `passes --requirepass ${pass} but ${name} is not in the container's environment`;
  return c.env.get(name) === "" ? `passes --requirepass ${pass} but ${name} is empty` : undefined;
}

function isRedisEngine(props: Props): boolean {
  const engine = known(() => props.engine, "redis");
  return engine === undefined || engine === "redis" || engine === "valkey";
}

/** Redis requires a password: `--requirepass`/`--aclfile` in containers, an AUTH token or RBAC user group on ElastiCache, an ACL on MemoryDB. */
export const redisRequiresPassword: ResourceValidationPolicy = {
  name: "redis-requires-password",
  description: "Redis must require a password (requirepass/ACL; ElastiCache AUTH token or user group; MemoryDB ACL).",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: (args, report) => {
    const p = args.props;
    const at = label(args.type, args.name);
    switch (args.type) {
      case EC_RG: {
        if (!isRedisEngine(p)) args.notApplicable("not a Redis/Valkey replication group");
        const token = known(() => p.authToken, "(computed)");
        const groups = list(known(() => p.userGroupIds, ["(computed)"]));
        if (!filled(token) && groups.length === 0) {
          report(must(`${at}: no authToken and no userGroupIds — any client in the VPC can connect`, "set authToken to a generated password (with transitEncryptionEnabled) or attach an RBAC user group"));
        }
        return;
      }
      case EC_CLUSTER:
        if (!isRedisEngine(p)) args.notApplicable("not a Redis/Valkey cluster");
        report(must(`${at}: a single ElastiCache cluster cannot require AUTH`, "use aws.elasticache.ReplicationGroup with authToken or userGroupIds"));
        return;
      case EC_SERVERLESS:
        if (!isRedisEngine(p)) args.notApplicable("not a Redis/Valkey serverless cache");
        if (!filled(known(() => p.userGroupId, "(computed)"))) {
          report(must(`${at}: no userGroupId — the default user has no password`, "attach an ElastiCache user group whose users have passwords"));
        }
        return;
      case MEMORYDB: {
        const acl = known(() => p.aclName, "(computed)");
        if (!filled(acl) || acl === "open-access") {
          report(must(`${at}: ACL ${JSON.stringify(acl ?? "")} lets any client connect without a password`, "create an aws.memorydb.Acl with password-protected users and set aclName to it"));
        }
        return;
      }
    }
    const redis = containersOf(args.type, p).filter(isRedisContainer);
    if (redis.length === 0) args.notApplicable("not a Redis container or managed Redis");
    for (const c of redis) {
      const why = containerAuthProblem(c);
      if (why) report(must(`${at}${c.where} ${why}`, 'pass the generated password from the environment: redis-server --requirepass "$REDIS_PASSWORD"'));
    }
  },
};

interface EvictionConfig {
  allowedPolicies: string[];
}

/** Why a managed Redis's parameter group does not set an allowed eviction policy, or undefined. */
function groupProblem(r: PolicyResource, groupTypes: string[], resources: PolicyResource[], allowed: string[]): string | undefined {
  const name = known(() => r.props.parameterGroupName, "(computed)");
  if (!filled(name) || name.startsWith("default.")) {
    return `uses ${filled(name) ? `the default parameter group ${name}` : "the default parameter group"}, which does not set maxmemory-policy explicitly`;
  }
  const group = referenced(r, "parameterGroupName", groupTypes, resources);
  if (!group) return name === "(computed)" ? undefined : `parameter group ${name} is not part of this stack, so its maxmemory-policy cannot be checked`;
  const policy = parameters(group).get("maxmemory-policy");
  if (policy === undefined) return `parameter group ${name} does not set maxmemory-policy`;
  if (!allowed.includes(policy)) return `parameter group ${name} sets maxmemory-policy ${policy} (allowed: ${allowed.join(", ")})`;
  return undefined;
}

/**
 * Redis has a memory cap and an eviction policy: `--maxmemory` > 0 and an
 * allowed `--maxmemory-policy` for containers; a stack parameter group with
 * an allowed `maxmemory-policy` for ElastiCache and MemoryDB (their memory
 * cap is the node type's), a data-storage limit for ElastiCache Serverless.
 */
export const redisEvictionPolicy: StackValidationPolicy = {
  name: "redis-eviction-policy",
  description: "Redis must have a maxmemory and an eviction policy (containers: --maxmemory/--maxmemory-policy; ElastiCache/MemoryDB: a parameter group setting maxmemory-policy).",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: {
    properties: {
      allowedPolicies: { type: "array", items: { type: "string" }, default: EVICTING_POLICIES, description: "Accepted maxmemory-policy values." },
    },
  },
  validateStack: (args, report) => {
    const cfg = settings<EvictionConfig>(args, { allowedPolicies: EVICTING_POLICIES });
    let seen = 0;
    for (const r of args.resources) {
      const at = label(r.type, r.name);
      const say = (problem: string, fix: string) => report(must(`${at}: ${problem}`, fix), r.urn);
      if ((r.type === EC_RG || r.type === EC_CLUSTER) && isRedisEngine(r.props)) {
        seen++;
        const why = groupProblem(r, [EC_PARAMS], args.resources, cfg.allowedPolicies);
        if (why) say(why, "create an aws.elasticache.ParameterGroup with maxmemory-policy allkeys-lru and set parameterGroupName to it");
        continue;
      }
      if (r.type === MEMORYDB) {
        seen++;
        const why = groupProblem(r, [MEMORYDB_PARAMS], args.resources, cfg.allowedPolicies);
        if (why) say(why, "create an aws.memorydb.ParameterGroup with maxmemory-policy allkeys-lru and set parameterGroupName to it");
        continue;
      }
      if (r.type === EC_SERVERLESS && isRedisEngine(r.props)) {
        seen++;
        const max = known(() => r.props.cacheUsageLimits?.dataStorage?.maximum, 1);
        if (!(typeof max === "number" && max > 0)) say("no cacheUsageLimits.dataStorage.maximum, so it grows (and bills) without a cap", "set cacheUsageLimits.dataStorage { maximum, unit: \"GB\" }");
        continue;
      }
      for (const c of containersOf(r.type, r.props).filter(isRedisContainer)) {
        seen++;
        const where = c.where ? `${c.where.trim()}: ` : "";
        // polystore's own workloads carry the settings in their typed form; others only as argv.
        const typed = c.serverSettings;
        if (typed !== undefined) {
          const mb = typed.maxmemoryMb;
          if (!(typeof mb === "number" && mb > 0)) {
            say(`${where}server settings (${SERVER_SETTINGS_LABEL}) have maxmemoryMb ${JSON.stringify(mb)}, not a positive number of MB, so Redis grows until the container is OOM-killed`, "set polystore:stores.redis.maxmemoryMb (below the container memory limit)");
          }
          const p = typed.maxmemoryPolicy;
          if (typeof p !== "string" || !cfg.allowedPolicies.includes(p)) {
            say(`${where}server settings (${SERVER_SETTINGS_LABEL}) have maxmemoryPolicy ${JSON.stringify(p)}, not an allowed policy (allowed: ${cfg.allowedPolicies.join(", ")})`, "set polystore:stores.redis.maxmemoryPolicy to allkeys-lru, or change allowedPolicies in policy-config.json");
          }
          continue;
        }
        const max = redisFlag(c.argv, "maxmemory");
        const bytes = max === undefined ? undefined : redisBytes(max);
        if (bytes === undefined || bytes <= 0) {
          say(`${where}${max === undefined ? "no --maxmemory" : `--maxmemory ${max} is not a positive size`}, so Redis grows until the container is OOM-killed`, "pass --maxmemory (polystore:stores.redis.maxmemoryMb, below the container memory limit)");
        }
        const policy = redisFlag(c.argv, "maxmemory-policy");
        if (policy === undefined) say(`${where}no --maxmemory-policy (Redis defaults to noeviction: writes fail when full)`, "pass --maxmemory-policy allkeys-lru (polystore:stores.redis.maxmemoryPolicy)");
        else if (!cfg.allowedPolicies.includes(policy)) say(`${where}--maxmemory-policy ${policy} is not allowed (allowed: ${cfg.allowedPolicies.join(", ")})`, "set polystore:stores.redis.maxmemoryPolicy to allkeys-lru, or change allowedPolicies in policy-config.json");
      }
    }
    if (seen === 0) args.notApplicable("no Redis in this stack");
  },
};
