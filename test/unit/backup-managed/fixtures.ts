/**
 * Shared by the managed-backup tests: the SDK clients under aws-sdk-client-mock (with the
 * aws-sdk-client-mock-vitest matchers), a `stores` output, a fake clock, a fake OpenSearch domain
 * behind the signed-HTTP layer, and a CLI runner.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mockClient } from "aws-sdk-client-mock";
import { allCustomMatcher, type CustomMatcher } from "aws-sdk-client-mock-vitest";
import { expect } from "vitest";
import { RDSClient } from "@aws-sdk/client-rds";
import { DocDBClient } from "@aws-sdk/client-docdb";
import { ElastiCacheClient } from "@aws-sdk/client-elasticache";
import { MemoryDBClient } from "@aws-sdk/client-memorydb";
import type { StoresOutput } from "../../../components/init/stores-output";
import { openSearchHttp, type SignedRequest } from "../../../components/backup/managed/signer";
import type { AdapterDeps } from "../../../components/backup/managed/types";
import type { Clock } from "../../../components/backup/managed/wait";
import type { CliIO } from "../../../stacks/backup/common";

declare module "vitest" {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends CustomMatcher<T> {}
}
expect.extend(allCustomMatcher);

export const rds = mockClient(RDSClient);
export const docdb = mockClient(DocDBClient);
export const elasticache = mockClient(ElastiCacheClient);
export const memorydb = mockClient(MemoryDBClient);

export function resetMocks(): void {
  for (const m of [rds, docdb, elasticache, memorydb]) m.reset();
}

export const REGION = "eu-west-1";
export const BUCKET = "polystore-prod-elasticsearch-snap-abc";
export const ROLE = "arn:aws:iam::123456789012:role/elasticsearch-snapshot-role-1";

/** A `stores` output: four aws stores and one on kubernetes. */
export function storesOutput(): StoresOutput {
  return {
    postgres: { target: "aws", host: "pg.rds.internal", port: 5432, database: "app", managed: { service: "rds", id: "postgres-db-1", region: REGION, arn: "arn:aws:rds:eu-west-1:123456789012:db:postgres-db-1" } },
    redis: { target: "aws", host: "clustercfg.redis.internal", port: 6379, database: "0", managed: { service: "memorydb", id: "redis-cluster-1", region: REGION, arn: "arn:aws:memorydb:eu-west-1:123456789012:cluster/redis-cluster-1" } },
    mongodb: { target: "aws", host: "docdb.internal", port: 27017, database: "app", managed: { service: "docdb", id: "mongodb-cluster-1", region: REGION, arn: "arn:aws:rds:eu-west-1:123456789012:cluster:mongodb-cluster-1" } },
    elasticsearch: {
      target: "aws",
      host: "vpc-ps-prod-es.eu-west-1.es.amazonaws.com",
      port: 443,
      database: "",
      managed: { service: "opensearch", id: "ps-prod-elasticsearch", region: REGION, arn: "arn:aws:es:eu-west-1:123456789012:domain/ps-prod-elasticsearch", snapshotRepository: { name: "polystore", bucket: BUCKET, roleArn: ROLE } },
    },
    clickhouse: { target: "kubernetes", host: "clickhouse.polystore-prod.svc", port: 8123, database: "app" },
  };
}

/** A clock whose sleep advances time instantly. */
export function fakeClock(start = Date.parse("2026-12-03T02:00:00Z")): Clock & { t: number } {
  const c = {
    t: start,
    now: () => c.t,
    sleep: async (ms: number) => void (c.t += ms),
  };
  return c;
}

/** A fake OpenSearch domain: answers by `METHOD path`; records every signed request it got. */
export function fakeDomain(routes: Record<string, (body: any) => { status: number; json?: unknown }>) {
  const requests: SignedRequest[] = [];
  const deps: AdapterDeps = {
    openSearchHttp: (t) =>
      openSearchHttp({
        region: t.fact.region,
        hostname: t.host,
        credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
        date: () => new Date("2026-12-03T02:00:00Z"),
        send: async (req) => {
          requests.push(req);
          const route = routes[`${req.method} ${req.path}`];
          if (!route) return { status: 404, body: JSON.stringify({ error: { reason: `no route ${req.method} ${req.path}` } }) };
          const r = route(req.body ? JSON.parse(req.body) : undefined);
          return { status: r.status, body: r.json === undefined ? "" : JSON.stringify(r.json) };
        },
      }),
  };
  return { requests, deps };
}

/** Runs a CLI main with captured output. */
export async function cli<D>(main: (a: string[], io: CliIO, deps: D) => Promise<number>, argv: string[], deps: D) {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (s) => void (out += s), err: (s) => void (err += s), isTTY: false, ask: async () => "" }, deps);
  return { code, out, err };
}

export const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));
