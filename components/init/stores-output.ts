/**
 * The stack's non-secret output `stores` (target, host, port, database per store and, on target
 * aws, the managed resource: components/core/managed.ts), read with the Pulumi CLI like
 * `connections` (./connections.ts) but without --show-secrets: nothing in it is secret.
 * `npm run backup` uses it to tell managed stores (snapshotted through the cloud's API) from the rest.
 */
import { MANAGED_SERVICES, type StoreSummary } from "../core/managed";
import { STORE_KINDS, type StoreKind } from "../core/types";
import { stackOutput } from "./connections";

export type { StoreSummary };
export type StoresOutput = Partial<Record<StoreKind, StoreSummary>>;

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** Problems of one `managed` entry, each naming `path.key`. */
function managedProblems(m: any, path: string): string[] {
  if (typeof m !== "object" || m === null) return [`${path}: expected an object`];
  const p: string[] = [];
  if (!MANAGED_SERVICES.includes(m.service)) p.push(`${path}.service: ${JSON.stringify(m.service)} is not one of ${MANAGED_SERVICES.join(", ")}`);
  if (typeof m.id !== "string" || !m.id) p.push(`${path}.id: expected the resource's identifier`);
  if (typeof m.region !== "string" || !REGION.test(m.region)) p.push(`${path}.region: ${JSON.stringify(m.region)} is not an AWS region (expected e.g. eu-west-1)`);
  if (typeof m.arn !== "string" || !m.arn.startsWith("arn:")) p.push(`${path}.arn: expected an ARN`);
  if (m.service === "opensearch") {
    const r = m.snapshotRepository;
    if (typeof r !== "object" || r === null) p.push(`${path}.snapshotRepository: required for OpenSearch (the S3 bucket and role for manual snapshots)`);
    else {
      if (typeof r.name !== "string" || !/^[a-z0-9][a-z0-9_-]*$/.test(r.name)) p.push(`${path}.snapshotRepository.name: expected a lower-case repository name`);
      if (typeof r.bucket !== "string" || !r.bucket) p.push(`${path}.snapshotRepository.bucket: expected the bucket name`);
      if (typeof r.roleArn !== "string" || !r.roleArn.startsWith("arn:")) p.push(`${path}.snapshotRepository.roleArn: expected the role's ARN`);
    }
  }
  return p;
}

/** Validates the parsed output; throws listing every problem, each naming `<source>: <store>.<key>`. */
export function parseStoresOutput(value: unknown, source: string): StoresOutput {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${source}: expected an object of stores keyed by store kind`);
  const problems: string[] = [];
  const out: StoresOutput = {};
  for (const [k, s] of Object.entries(value as Record<string, any>)) {
    const p: string[] = [];
    if (!STORE_KINDS.includes(k as StoreKind)) p.push(`${k}: unknown store kind (expected ${STORE_KINDS.join(", ")})`);
    if (typeof s?.target !== "string") p.push(`${k}.target: expected a string`);
    if (typeof s?.host !== "string") p.push(`${k}.host: expected a string`);
    if (s?.managed !== undefined) p.push(...managedProblems(s.managed, `${k}.managed`));
    if (p.length) problems.push(...p.map((x) => `${source}: ${x}`));
    else out[k as StoreKind] = s as StoreSummary;
  }
  if (problems.length) throw new Error(problems.join("\n"));
  return out;
}

/** `pulumi stack output stores --json --stack <stack>` in `cwd`, validated (see {@link stackOutput}). */
export async function storesFromStack(stack: string, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<StoresOutput> {
  return parseStoresOutput(await stackOutput(stack, "stores", cwd, { env }), `stack ${stack} output "stores"`);
}
