import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { dotEnvProvider } from "../../../components/secrets/dotenv";
import { appEnv } from "../../../components/stores";
import { renderDotEnv } from "../../../components/secrets/dotenv-text";
import type { StoreConnection } from "../../../components/core/types";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "polystore-dotenv-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const pg: StoreConnection = {
  kind: "postgres",
  host: "127.0.0.1",
  port: 5432,
  tls: false,
  database: "app",
  admin: { user: "polystore_admin", password: "ADMINSECRET" },
  app: { user: "app_user", password: "p@ss word$" },
};

describe(".env file", () => {
  const file = path.join(dir, "sub", ".env.dev");
  const content = renderDotEnv([{ title: "postgres", vars: appEnv(pg) }], "polystore stack dev");

  it("renders the application identity under the seeds' names, quoting what needs it", () => {
    expect(content).toContain("DATABASE_URL=postgresql://app_user:p%40ss%20word%24@127.0.0.1:5432/app\n");
    expect(content).toContain('POSTGRES_PASSWORD="p@ss word\\$"\n');
    expect(content).toContain("POSTGRES_HOST=127.0.0.1\n");
    expect(content).not.toContain("ADMINSECRET");
  });

  it("is created with mode 0600 and exactly the given content", async () => {
    const res = await dotEnvProvider.create!({ path: file, content });
    expect(fs.readFileSync(file, "utf8")).toBe(content);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(res.outs.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(res.outs)).not.toContain("p@ss");
  });

  it("diffs on content by hash and replaces on a new path", async () => {
    const { outs } = await dotEnvProvider.create!({ path: file, content });
    expect((await dotEnvProvider.diff!(file, outs, { path: file, content })).changes).toBe(false);
    expect((await dotEnvProvider.diff!(file, outs, { path: file, content: content + "X=1\n" })).changes).toBe(true);
    expect((await dotEnvProvider.diff!(file, outs, { path: file + "2", content })).replaces).toEqual(["path"]);
  });

  it("is rewritten in place (still 0600) on update, and removed on delete", async () => {
    fs.chmodSync(file, 0o644);
    const { outs } = await dotEnvProvider.update!(file, {}, { path: file, content: "A=1\n" });
    expect(fs.readFileSync(file, "utf8")).toBe("A=1\n");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    await dotEnvProvider.delete!(file, outs);
    expect(fs.existsSync(file)).toBe(false);
    await dotEnvProvider.delete!(file, outs); // already gone: no error
  });

  it("is gitignored", () => {
    const ignore = fs.readFileSync(path.resolve(__dirname, "../../../.gitignore"), "utf8").split("\n");
    expect(ignore).toContain(".env.*");
  });
});
