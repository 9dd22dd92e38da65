/**
 * Managed backups, the parts without a run: bad stack output (each message exact), names within
 * the services' rules, the bounded wait, and the SigV4-signed request to an OpenSearch domain.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseStoresOutput } from "../../../components/init/stores-output";
import { restoredId, snapshotName, isPolystoreSnapshot } from "../../../components/backup/managed/naming";
import { waitUntilAvailable } from "../../../components/backup/managed/wait";
import { signRequest } from "../../../components/backup/managed/signer";
import { ensureRepository } from "../../../components/backup/managed/opensearch";
import { backupMain } from "../../../stacks/backup/backup";
import { BUCKET, cli, fakeClock, fakeDomain, REGION, ROLE, storesOutput, tmp } from "./fixtures";

describe("the stack output stores: bad input is named exactly", () => {
  it("every problem of a managed entry at once", () => {
    const bad = {
      postgres: { target: "aws", host: "h", port: 5432, database: "app", managed: { service: "aurora", id: "", region: "mars-1", arn: "x" } },
      elasticsearch: { target: "aws", host: "h", port: 443, database: "", managed: { service: "opensearch", id: "d", region: "eu-west-1", arn: "arn:aws:es:::d" } },
    };
    expect(() => parseStoresOutput(bad, 'stack prod output "stores"')).toThrow(
      [
        'stack prod output "stores": postgres.managed.service: "aurora" is not one of rds, docdb, elasticache, memorydb, opensearch',
        'stack prod output "stores": postgres.managed.id: expected the resource\'s identifier',
        'stack prod output "stores": postgres.managed.region: "mars-1" is not an AWS region (expected e.g. eu-west-1)',
        'stack prod output "stores": postgres.managed.arn: expected an ARN',
        'stack prod output "stores": elasticsearch.managed.snapshotRepository: required for OpenSearch (the S3 bucket and role for manual snapshots)',
      ].join("\n"),
    );
  });

  it("an aws store without a managed entry (stack deployed before): exit 2, nothing done, every store named", async () => {
    const s = storesOutput();
    delete s.postgres!.managed;
    delete s.redis!.managed;
    const r = await cli(backupMain, ["run", "--stack", "prod", "--to", tmp("polystore-managed-bad-")], { storesOutput: async () => s });
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      [
        `backup: postgres: target aws, but stack prod's output "stores" has no "managed" entry for it (deployed before managed snapshots?); run pulumi up --stack prod, or pass --dump to back it up over its connection`,
        `redis: target aws, but stack prod's output "stores" has no "managed" entry for it (deployed before managed snapshots?); run pulumi up --stack prod, or pass --dump to back it up over its connection`,
      ].join("\n"),
    );
  });

  it("--store the stack does not have, and bad --wait-minutes / --keep-days", async () => {
    const r = await cli(backupMain, ["run", "--stack", "prod", "--store", "neo4j", "--to", tmp("polystore-managed-bad-")], { storesOutput: async () => storesOutput() });
    expect(r.code).toBe(2);
    expect(r.err).toContain("backup: --store neo4j: stack prod has no neo4j store (it has: postgres, redis, mongodb, elasticsearch, clickhouse)");
    const w = await cli(backupMain, ["run", "--stack", "prod", "--wait-minutes", "0", "--keep-days", "x"], {});
    expect(w.code).toBe(2);
    expect(w.err).toContain("backup: --keep-days x: expected a whole number of days, at least 1\n--wait-minutes 0: expected a whole number of minutes, at least 1");
  });
});

describe("snapshot and restored names", () => {
  it("polystore-<stack>-<store>-<YYYYMMDD-HHMMSS>; a long stack is shortened with a hash, never the time", () => {
    expect(snapshotName("prod", "postgres", "20261203_020000", 255)).toBe("polystore-prod-postgres-20261203-020000");
    const long = snapshotName("review-pr-1234-with-a-very-long-branch-name-indeed", "elasticsearch", "20261203_020000", 63);
    expect(long).toMatch(/^polystore-review-pr-1234-with-a-very-lon-[0-9a-f]{6}-20261203-020000$/);
    expect(long.length).toBeLessThanOrEqual(63);
    for (const n of [long, snapshotName("Prod_EU", "redis", "20261203_020000", 63)]) expect(n).toMatch(/^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$/);
    expect(restoredId("redis-cluster-1a2b3c4", "20261203_020000", 40)).toBe("redis-cluster-1a2b3c4-r20261203020000");
    expect(restoredId("postgres-db-0123456789abcdef0123456789abcdef0123456789", "20261203_020000", 63).length).toBeLessThanOrEqual(63);
  });

  it("only snapshots tagged project=polystore, this stack and a backup id are polystore's", () => {
    expect(isPolystoreSnapshot({ project: "polystore", stack: "prod", "backup-id": "20261203_020000" }, "prod")).toBe(true);
    expect(isPolystoreSnapshot({ project: "polystore", stack: "prod-eu", "backup-id": "20261203_020000" }, "prod")).toBe(false);
    expect(isPolystoreSnapshot({ project: "polystore", stack: "prod", "backup-id": "latest" }, "prod")).toBe(false);
    expect(isPolystoreSnapshot({}, "prod")).toBe(false);
  });
});

describe("waiting with a bound", () => {
  it("logs each change, creating → available, and returns the status", async () => {
    const states = ["creating", "creating", "available"] as const;
    const log: string[] = [];
    let i = 0;
    const s = await waitUntilAvailable({ what: "x: snap s1", poll: async () => ({ state: states[i++]! }), timeoutMinutes: 5, clock: fakeClock(), log: (m) => log.push(m) });
    expect(s.state).toBe("available");
    expect(log).toEqual(["x: snap s1: creating", "x: snap s1: available"]);
  });

  it("a failed snapshot is an error naming it and the service's word", async () => {
    await expect(waitUntilAvailable({ what: "postgres: RDS DB snapshot s1", poll: async () => ({ state: "failed", detail: "incompatible-parameters" }), timeoutMinutes: 5, clock: fakeClock(), log: () => undefined })).rejects.toThrow(
      "postgres: RDS DB snapshot s1 failed: the service reports incompatible-parameters",
    );
  });
});

describe("OpenSearch: the repository registration is a SigV4-signed PUT", () => {
  it("signs method, path and body with AWS4-HMAC-SHA256 for service es in the domain's region", async () => {
    const req = await signRequest({
      region: REGION,
      hostname: "vpc-d.eu-west-1.es.amazonaws.com",
      method: "PUT",
      path: "/_snapshot/polystore",
      body: { type: "s3", settings: { bucket: BUCKET, region: REGION, role_arn: ROLE } },
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "token" },
      date: new Date("2026-12-03T02:00:00Z"),
    });
    expect(req.method).toBe("PUT");
    expect(req.path).toBe("/_snapshot/polystore");
    expect(JSON.parse(req.body!)).toEqual({ type: "s3", settings: { bucket: BUCKET, region: REGION, role_arn: ROLE } });
    expect(req.headers["x-amz-date"]).toBe("20261203T020000Z");
    expect(req.headers["x-amz-security-token"]).toBe("token");
    expect(req.headers["x-amz-content-sha256"]).toBe(createHash("sha256").update(req.body!).digest("hex"));
    expect(req.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261203\/eu-west-1\/es\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/);
    // Deterministic: the same request signs the same way; another body does not.
    const again = await signRequest({ region: REGION, hostname: "vpc-d.eu-west-1.es.amazonaws.com", method: "PUT", path: "/_snapshot/polystore", body: JSON.parse(req.body!), credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "token" }, date: new Date("2026-12-03T02:00:00Z") });
    expect(again.headers.authorization).toBe(req.headers.authorization);
    expect(JSON.stringify(req)).not.toContain("secret\"");
  });

  it("a repository pointing at another bucket is refused; a 403 names what the caller needs", async () => {
    const t = { kind: "elasticsearch" as const, host: "vpc-d", fact: storesOutput().elasticsearch!.managed! };
    const other = fakeDomain({ "GET /_snapshot/polystore": () => ({ status: 200, json: { polystore: { type: "s3", settings: { bucket: "someone-else" } } } }) });
    await expect(ensureRepository(t, other.deps.openSearchHttp(t))).rejects.toThrow(
      `elasticsearch: snapshot repository polystore on OpenSearch domain ps-prod-elasticsearch points at bucket someone-else, not the store's bucket ${BUCKET}; nothing was done`,
    );
    const denied = fakeDomain({
      "GET /_snapshot/polystore": () => ({ status: 404, json: {} }),
      "PUT /_snapshot/polystore": () => ({ status: 403, json: { Message: "User: arn:aws:iam::1:user/ci is not authorized to perform: iam:PassRole" } }),
    });
    await expect(ensureRepository(t, denied.deps.openSearchHttp(t))).rejects.toThrow(
      "elasticsearch: registering snapshot repository polystore on OpenSearch domain ps-prod-elasticsearch failed: HTTP 403 User: arn:aws:iam::1:user/ci is not authorized to perform: iam:PassRole (the caller needs es:ESHttp* on the domain, iam:PassRole on the snapshot role, and with fine-grained access control a mapping to the manage_snapshots role: docs/backup.md, Managed snapshots)",
    );
  });
});
