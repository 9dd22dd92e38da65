/** What counts as a credential, and what is a reference to one. */
import { describe, expect, it } from "vitest";
import { coveredBySecret, findCredentials, isCredentialEnv, isCredentialKey, isReference, scanArgv } from "../../../policies/rules/credentials";

describe("credential detection", () => {
  it.each(["password", "masterPassword", "authToken", "secretString", "apiKey", "privateKey", "client_secret", "masterUserPassword"])("%s is a credential key", (k) =>
    expect(isCredentialKey(k)).toBe(true),
  );
  it.each(["passwordLength", "manageMasterUserPassword2", "secretId", "secretArn", "masterUserSecretKmsKeyId", "authTokenUpdateStrategy", "username", "tokenKeyId"])(
    "%s is not a credential key",
    (k) => expect(isCredentialKey(k)).toBe(false),
  );
  it.each(["POSTGRES_PASSWORD", "NEO4J_AUTH", "REDIS_PASS", "API_KEY", "GITHUB_TOKEN", "AWS_SECRET"])("%s is a credential variable", (k) => expect(isCredentialEnv(k)).toBe(true));
  it.each(["POSTGRES_PASSWORD_FILE", "POSTGRES_USER", "PASSWORD_ENCRYPTION", "BYPASS_CACHE", "AUTHOR"])("%s is not a credential variable", (k) =>
    expect(isCredentialEnv(k)).toBe(false),
  );
  it.each(["$REDIS_PASSWORD", "${REDIS_PASSWORD}", '"$REDIS_PASSWORD"', "$(REDIS_PASSWORD)", "arn:aws:secretsmanager:eu-west-1:1:secret:x", "****", ""])("%j is a reference", (v) =>
    expect(isReference(v)).toBe(true),
  );
  it.each(["hunter2", "neo4j/hunter2", "$hunter2 extra"])("%j is a value", (v) => expect(isReference(v)).toBe(false));

  it("finds URLs with passwords and NAME=value lines, never references", () => {
    const found = findCredentials("x", {
      url: "postgresql://app:s3cret@db:5432/app",
      safeUrl: "postgresql://app@db:5432/app",
      refUrl: "redis://app:$REDIS_PASSWORD@redis:6379",
      content: "# x\nPOSTGRES_PASSWORD=s3cret\nPOSTGRES_HOST=db\nREDIS_PASSWORD=$FROM_ENV\n",
      nested: { admin: { password: "s3cret", user: "admin" } },
      __provider: "password=not-checked",
    });
    expect(found.map((f) => `${f.kind}:${f.path}:${f.what}`)).toEqual([
      "url:url:URL with a password (user app)",
      "dotenv:content:POSTGRES_PASSWORD",
      "key:nested.admin.password:password",
    ]);
  });

  it("reads command lines joined, and boolean flags are not values", () => {
    expect(scanArgv(["mongod", "--auth", "--bind_ip_all"])).toEqual([]);
    expect(scanArgv(["sh", "-c", 'exec redis-server "$@" --requirepass "$REDIS_PASSWORD"'])).toEqual([]);
    // An environment prefix derived from another variable (the Neo4j health check) is a reference, not a value.
    expect(scanArgv(["sh", "-c", 'NEO4J_PASSWORD="${NEO4J_AUTH#neo4j/}" cypher-shell -u neo4j "RETURN 1"'])).toEqual([]);
    expect(scanArgv(["sh", "-c", 'NEO4J_PASSWORD="hunter2" cypher-shell -u neo4j "RETURN 1"']).map((f) => f.what)).toEqual(["NEO4J_PASSWORD"]);
    expect(scanArgv(["redis-server", "--requirepass", "hunter2"]).map((f) => f.what)).toEqual(["--requirepass"]);
    expect(scanArgv(["sh", "-c", "PGPASSWORD=hunter2 psql -h db"]).map((f) => f.what)).toEqual(["PGPASSWORD"]);
    expect(scanArgv(["curl", "https://elastic:hunter2@es:9200"]).map((f) => f.kind)).toEqual(["argv"]);
  });

  it("separates Docker env entries and Kubernetes env literals from secret references", () => {
    const docker = findCredentials("docker:index/container:Container", { envs: ["POSTGRES_USER=admin", "POSTGRES_PASSWORD=s3cret", "DATABASE_URL=postgresql://a:b@h/d"] });
    expect(docker.map((f) => `${f.kind}:${f.path}`)).toEqual(["env:envs[1]", "url:envs[2]"]);
    const pod = findCredentials("kubernetes:core/v1:Pod", {
      spec: { containers: [{ env: [{ name: "A_PASSWORD", value: "x" }, { name: "B_PASSWORD", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }] }] },
    });
    expect(pod.map((f) => `${f.kind}:${f.what}`)).toEqual(["pod-env:A_PASSWORD"]);
  });

  it("a secret covers everything below it", () => {
    expect(coveredBySecret(["envs"], "envs[3]")).toBe(true);
    expect(coveredBySecret(["connection"], "connection.admin.password")).toBe(true);
    expect(coveredBySecret(["connection.app"], "connection.admin.password")).toBe(false);
    expect(coveredBySecret(["env"], "envs[0]")).toBe(false);
  });
});
