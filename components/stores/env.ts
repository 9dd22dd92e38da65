import type { StoreConnection, StoreKind } from "../core/types";

const e = encodeURIComponent;

/** The main URL variable applications read, per store. */
export const URL_VAR: Record<StoreKind, string> = {
  postgres: "DATABASE_URL",
  redis: "REDIS_URL",
  mongodb: "MONGODB_URL",
  elasticsearch: "ELASTICSEARCH_URL",
  clickhouse: "CLICKHOUSE_URL",
  neo4j: "NEO4J_URI",
};

/**
 * The variables applications read, for the application identity, under the
 * names the seeds use (DATABASE_URL, REDIS_URL, MONGODB_URL, ELASTICSEARCH_URL,
 * CLICKHOUSE_URL, NEO4J_URI, ...).
 */
export function appEnv(c: StoreConnection): Record<string, string> {
  const { host, port, database: db, app, tls } = c;
  const base = { HOST: host, PORT: String(port) };
  switch (c.kind) {
    case "postgres": {
      const url = `postgresql://${e(app.user)}:${e(app.password)}@${host}:${port}/${db}${tls ? "?sslmode=require" : ""}`;
      return {
        DATABASE_URL: url,
        POSTGRES_URL: url,
        POSTGRES_HOST: base.HOST,
        POSTGRES_PORT: base.PORT,
        POSTGRES_DB: db,
        POSTGRES_USER: app.user,
        POSTGRES_PASSWORD: app.password,
      };
    }
    case "redis":
      return {
        REDIS_URL: `${tls ? "rediss" : "redis"}://${e(app.user)}:${e(app.password)}@${host}:${port}/0`,
        REDIS_HOST: base.HOST,
        REDIS_PORT: base.PORT,
        REDIS_USERNAME: app.user,
        REDIS_PASSWORD: app.password,
        REDIS_DB: "0",
      };
    case "mongodb": {
      // DocumentDB keeps users in `admin` and has no retryable writes (options set by the aws target).
      const params = [`authSource=${c.options?.authSource ?? db}`];
      if (tls) params.push("tls=true");
      if (c.options?.retryWrites) params.push(`retryWrites=${c.options.retryWrites}`);
      return {
        MONGODB_URL: `mongodb://${e(app.user)}:${e(app.password)}@${host}:${port}/${db}?${params.join("&")}`,
        MONGODB_HOST: base.HOST,
        MONGODB_PORT: base.PORT,
        MONGODB_DB: db,
        MONGODB_USER: app.user,
        MONGODB_PASSWORD: app.password,
      };
    }
    case "elasticsearch":
      return {
        ELASTICSEARCH_URL: `${tls ? "https" : "http"}://${host}:${port}`,
        ELASTICSEARCH_HOST: base.HOST,
        ELASTICSEARCH_PORT: base.PORT,
        ELASTICSEARCH_USERNAME: app.user,
        ELASTICSEARCH_PASSWORD: app.password,
        ELASTICSEARCH_INDEX: db,
      };
    case "clickhouse":
      return {
        CLICKHOUSE_URL: `${tls ? "https" : "http"}://${host}:${port}`,
        CLICKHOUSE_HOST: base.HOST,
        CLICKHOUSE_PORT: base.PORT,
        CLICKHOUSE_DB: db,
        CLICKHOUSE_DATABASE: db,
        CLICKHOUSE_USER: app.user,
        CLICKHOUSE_USERNAME: app.user,
        CLICKHOUSE_PASSWORD: app.password,
      };
    case "neo4j":
      return {
        NEO4J_URI: `${tls ? "neo4j+s" : "bolt"}://${host}:${port}`,
        NEO4J_USER: app.user,
        NEO4J_USERNAME: app.user,
        NEO4J_PASSWORD: app.password,
        NEO4J_DATABASE: db,
      };
  }
}

/** The variable names `appEnv` produces for a store, without values (documentation, policies). */
export function appEnvNames(kind: StoreKind): string[] {
  const dummy: StoreConnection = { kind, host: "h", port: 1, tls: false, database: "d", admin: { user: "a", password: "p" }, app: { user: "a", password: "p" } };
  return Object.keys(appEnv(dummy));
}

/** The second line of every env file polystore writes: how a file it did not write is told apart. */
export const DOTENV_WRITTEN_BY = "# Written by polystore on `pulumi up`; removed on `pulumi destroy`. Do not commit.";

/** Whether `text` is an env file polystore wrote (its header line, then {@link DOTENV_WRITTEN_BY}). */
export function isPolystoreDotEnv(text: string): boolean {
  const [first, second] = text.split("\n", 2);
  return /^# polystore stack .*$/.test(first ?? "") && second === DOTENV_WRITTEN_BY;
}

/** Renders variables as a `.env` file: sorted by store order given, values quoted when needed. */
export function renderDotEnv(sections: Array<{ title: string; vars: Record<string, string> }>, header: string): string {
  const quote = (v: string) => (/^[A-Za-z0-9_./:@%+=-]*$/.test(v) ? v : `"${v.replace(/(["\\$`])/g, "\\$1")}"`);
  const lines = [`# ${header}`, DOTENV_WRITTEN_BY, ""];
  for (const s of sections) {
    lines.push(`# ${s.title}`);
    for (const [k, v] of Object.entries(s.vars)) lines.push(`${k}=${quote(v)}`);
    lines.push("");
  }
  return lines.join("\n");
}
