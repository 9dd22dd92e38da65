import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { evaluate } from "../targets/harness";
import { URN_SCENARIOS, urnsOf } from "./urn-scenarios";

const BEFORE: Record<string, string[]> = JSON.parse(fs.readFileSync(path.join(__dirname, "urns-before-issue-12.json"), "utf8"));

/** Resources (type chain :: name) new since the snapshot, each on purpose. */
const ADDED_SINCE: RegExp[] = [
  // issue 12: the parents of the shared resources
  /^polystore:(docker:DockerTarget|kubernetes:KubernetesTarget|secrets:ConnectionSecrets)::/,
  // issue 16: scheduled backups on the kubernetes target (component, claim, connections Secret, CronJob)
  /^polystore:kubernetes:KubernetesTarget\$polystore:kubernetes:Backups(\$kubernetes:(core\/v1:PersistentVolumeClaim|core\/v1:Secret|batch\/v1:CronJob))?::backups(-volume|-connections)?$/,
  // issue 16: managed snapshots on aws — the OpenSearch snapshot repository's bucket (and its settings) and role
  /^polystore:elasticsearch:ElasticsearchStore\$aws:(s3\/\w+:\w+::elasticsearch-snapshots(-public-access|-encryption|-versioning|-lifecycle)?|iam\/(role:Role::elasticsearch-snapshot-role|rolePolicy:RolePolicy::elasticsearch-snapshot-policy))$/,
];

/** The parent-less form of an alias as sent to the engine (a URN string, or an alias spec naming one). */
function aliasUrns(aliases: unknown[]): string[] {
  const out: string[] = [];
  for (const a of aliases) {
    const spec = a as { urn?: string; spec?: unknown };
    if (typeof a === "string") out.push(a);
    else if (typeof spec.urn === "string" && spec.urn) out.push(spec.urn);
  }
  return out;
}

/**
 * Every URN a resource answers to: its own, its aliases, and its URN under each URN its parent
 * answers to (Pulumi carries a parent's aliases down to its children).
 */
function answersTo(resources: Array<{ urn: string; parent: string; aliases: string[] }>): Map<string, Set<string>> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const memo = new Map<string, Set<string>>();
  const of = (urn: string): Set<string> => {
    const hit = memo.get(urn);
    if (hit) return hit;
    const r = byUrn.get(urn)!;
    const all = new Set([r.urn, ...r.aliases]);
    if (r.parent && byUrn.has(r.parent)) {
      const own = r.urn.split("::");
      const tail = own[2]!.split("$").pop()!;
      for (const p of of(r.parent)) {
        if (p === r.parent) continue;
        const [prefix, project, chain] = p.split("::");
        all.add(`${prefix}::${project}::${chain}$${tail}::${own[3]}`);
      }
    }
    memo.set(urn, all);
    return all;
  };
  return new Map(resources.map((r) => [r.urn, of(r.urn)]));
}

describe("resource URNs survive the one-home-per-store redesign (issue 12)", () => {
  it.each(Object.keys(URN_SCENARIOS))("%s: every resource of before is still there, at its URN or through an alias", async (name) => {
    const s = URN_SCENARIOS[name]!;
    const e = await evaluate(s.raw(), s.stack);
    const urns = urnsOf(e.registered, s.stack);
    const resources = urns.map((u, i) => ({ urn: u.urn, parent: e.registered[i]!.options.parent, aliases: aliasUrns(u.aliases) }));
    const answers = answersTo(resources);
    const reachable = new Set([...answers.values()].flatMap((set) => [...set]));
    const before = BEFORE[name]!;
    expect(before.length).toBeGreaterThan(10);
    // Nothing of before is lost: a resource no URN or alias answers to would be deleted and created again.
    expect(before.filter((u) => !reachable.has(u))).toEqual([]);
    // Nothing new but the parents the shared resources were given, and what later issues added on purpose.
    const added = resources.filter((r) => ![...answers.get(r.urn)!].some((u) => before.includes(u))).map((r) => r.urn.split("::").slice(2).join("::"));
    expect(added.filter((u) => !ADDED_SINCE.some((re) => re.test(u)))).toEqual([]);
    // The aws managed backups' S3 repository is in every stack with OpenSearch (prod).
    if (name === "prod") expect(added.filter((u) => ADDED_SINCE[2]!.test(u))).toHaveLength(7);
    // Every resource has a parent other than the stack but the components at the top.
    const rootCustom = e.registered.filter((r) => !r.options.parent && !r.type.startsWith("polystore:"));
    expect(rootCustom.map((r) => `${r.type} ${r.name}`)).toEqual([]);
  });
});
