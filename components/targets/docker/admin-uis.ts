import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { appEnv } from "../../stores";
import { generatedPassword } from "../../core/identity";
import { CATALOG } from "../../stores";
import type { StoreConnection } from "../../core/types";
import { ADMIN_UI_DEFAULTS, type AdminUiTool } from "./admin-ui-catalog";
import type { DockerInfra } from "./network";

/** One admin UI to run. */
export interface AdminUiArgs {
  tool: AdminUiTool;
  /** Pinned image (default ADMIN_UI_DEFAULTS[tool].image, from config). */
  image: string;
  /** Host port on the bind address (default ADMIN_UI_DEFAULTS[tool].port). */
  port: number;
  /** Container memory limit in MB (default ADMIN_UI_DEFAULTS[tool].memoryMb). */
  memoryMb: number;
  /** The store's connection; only its application identity is used. */
  connection: pulumi.Input<StoreConnection>;
  /** The store component: the tool starts after it is ready. */
  store?: pulumi.Resource;
}

/** Arguments of `DockerAdminUis`. */
export interface DockerAdminUisArgs {
  tools: AdminUiArgs[];
  /** The stack's Docker network (and provider), shared with the stores. */
  infra: DockerInfra;
  /** Address host ports are published on (polystore:docker.bindAddress, default 127.0.0.1). */
  bindAddress: string;
  stack: string;
  tags: Record<string, string>;
  /** Seconds to wait for a container to be healthy (polystore:docker.healthTimeoutSeconds, default 180). */
  healthTimeoutSeconds: number;
}

/** The login every tool gets; the password is generated per tool. */
export const ADMIN_UI_LOGIN: Record<AdminUiTool, string> = {
  // pgAdmin logs in with an e-mail address; example.com is reserved for examples (RFC 2606) and passes its check.
  pgadmin: "dev@example.com",
  redisCommander: "polystore",
  mongoExpress: "polystore",
};

/** pgAdmin keeps per-user files in /var/lib/pgadmin/storage/<login with @ as _>; PassFile is relative to it. */
const PGADMIN_STORAGE = `/var/lib/pgadmin/storage/${ADMIN_UI_LOGIN.pgadmin.replace("@", "_")}`;

/** What one tool's container needs, from its store's application connection (seen from inside the network). */
export interface AdminUiContainer {
  env: Record<string, string>;
  /** Env values that are secrets (passwords), merged into `env` as a secret output. */
  secretEnv: Record<string, pulumi.Input<string>>;
  entrypoints?: string[];
  uploads?: Array<{ file: string; content: string }>;
}

/** The application connection as a container on the stack's network sees it: the store's alias and container port. */
export function inNetwork(conn: StoreConnection): StoreConnection {
  return { ...conn, host: conn.kind, port: CATALOG[conn.kind].clientPort, tls: false };
}

/** `node -e` health probe: any HTTP answer below 500 (a login page or a 401) means the tool is up. */
const nodeProbe = (port: number) =>
  `node -e "require('http').get('http://127.0.0.1:${port}/', r => process.exit(r.statusCode < 500 ? 0 : 1)).on('error', () => process.exit(1))"`;

/** Each tool's CMD-SHELL health check, with what its image has (pgAdmin: busybox wget; the others: node). */
export const ADMIN_UI_HEALTH: Record<AdminUiTool, string> = {
  pgadmin: "wget -q -O /dev/null http://127.0.0.1:80/misc/ping",
  redisCommander: nodeProbe(8081),
  mongoExpress: nodeProbe(8081),
};

/** The container settings of one tool. Exported for tests. */
export function adminUiContainer(tool: AdminUiTool, conn: StoreConnection, login: pulumi.Input<string>): AdminUiContainer {
  const c = inNetwork(conn);
  const user = ADMIN_UI_LOGIN[tool];
  switch (tool) {
    case "pgadmin": {
      const servers = {
        Servers: {
          "1": { Name: `polystore (${c.app.user})`, Group: "polystore", Host: c.host, Port: c.port, MaintenanceDB: c.database, Username: c.app.user, SSLMode: "prefer", PassFile: "/pgpass" },
        },
      };
      return {
        env: {
          PGADMIN_DEFAULT_EMAIL: user,
          PGADMIN_CONFIG_MASTER_PASSWORD_REQUIRED: "False",
          PGADMIN_REPLACE_SERVERS_ON_STARTUP: "True",
          PGADMIN_DISABLE_POSTFIX: "true",
          POLYSTORE_PGPASS_USER: c.app.user,
        },
        secretEnv: { PGADMIN_DEFAULT_PASSWORD: login, POLYSTORE_PGPASS_PASSWORD: c.app.password },
        // The app password goes to pgAdmin's passfile (mode 0600) through the environment and the shell's
        // printf builtin: it is never an argument of a process.
        entrypoints: [
          "/bin/sh",
          "-c",
          `umask 077 && mkdir -p ${PGADMIN_STORAGE} && printf '%s:%s:*:%s:%s\\n' ${c.host} ${c.port} "$POLYSTORE_PGPASS_USER" "$POLYSTORE_PGPASS_PASSWORD" > ${PGADMIN_STORAGE}/pgpass && unset POLYSTORE_PGPASS_PASSWORD && exec /entrypoint.sh`,
        ],
        uploads: [{ file: "/pgadmin4/servers.json", content: `${JSON.stringify(servers, null, 2)}\n` }],
      };
    }
    case "redisCommander":
      return {
        env: { REDIS_HOST: c.host, REDIS_PORT: String(c.port), REDIS_USERNAME: c.app.user, HTTP_USER: user },
        secretEnv: { REDIS_PASSWORD: c.app.password, HTTP_PASSWORD: login },
      };
    case "mongoExpress":
      return {
        env: { ME_CONFIG_MONGODB_ENABLE_ADMIN: "false", ME_CONFIG_BASICAUTH: "true", ME_CONFIG_BASICAUTH_USERNAME: user },
        secretEnv: { ME_CONFIG_MONGODB_URL: appEnv(c).MONGODB_URL!, ME_CONFIG_BASICAUTH_PASSWORD: login },
      };
  }
}

/**
 * Opt-in web admin tools for the docker stores (`polystore:docker.adminUis`): pgAdmin, Redis Commander,
 * mongo-express. Each connects as the application identity — never the admin — so it can do what the
 * application can and no more; each has its own generated login (`env`, written to the env file); ports
 * on the bind address only; pinned images, memory limits and health checks like every store container.
 */
export class DockerAdminUis extends pulumi.ComponentResource {
  /** `<PREFIX>_URL`, `<PREFIX>_USER`, `<PREFIX>_PASSWORD` per tool (secret). */
  public readonly env: pulumi.Output<Record<string, string>>;
  public readonly containers: docker.Container[];

  constructor(name: string, args: DockerAdminUisArgs, opts?: pulumi.ComponentResourceOptions) {
    super("polystore:docker:AdminUis", name, {}, opts);
    const out = createAdminUis(name, args, this);
    this.env = out.env;
    this.containers = out.containers;
    this.registerOutputs({ env: this.env });
  }
}

/** The work of `DockerAdminUis`: one image, one generated login and one container per tool. */
export function createAdminUis(name: string, args: DockerAdminUisArgs, parent: pulumi.Resource) {
  const opts = { parent, provider: args.infra.provider };
  const host = args.bindAddress === "0.0.0.0" ? "127.0.0.1" : args.bindAddress;
  const envs: pulumi.Output<Record<string, string>>[] = [];
  const containers: docker.Container[] = [];
  for (const t of args.tools) {
    const facts = ADMIN_UI_DEFAULTS[t.tool];
    const login = generatedPassword(`${name}-${t.tool}-login`, parent);
    const spec = pulumi.output(t.connection).apply((conn) => adminUiContainer(t.tool, conn, login));
    const image = new docker.RemoteImage(`${name}-${t.tool}-image`, { name: t.image, keepLocally: true }, opts);
    const container = new docker.Container(
      `${name}-${t.tool}`,
      {
        name: `polystore-${args.stack}-${t.tool.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`)}`,
        image: image.imageId,
        entrypoints: spec.apply((s) => s.entrypoints ?? []),
        envs: pulumi.secret(
          spec.apply((s) =>
            pulumi.all(s.secretEnv).apply((secret) => [...Object.entries(s.env), ...Object.entries(secret)].map(([k, v]) => `${k}=${v}`)),
          ),
        ),
        uploads: spec.apply((s) => s.uploads ?? []),
        memory: t.memoryMb,
        ports: [{ internal: facts.containerPort, external: t.port, ip: args.bindAddress, protocol: "tcp" }],
        healthcheck: { tests: ["CMD-SHELL", ADMIN_UI_HEALTH[t.tool]], interval: "10s", timeout: "5s", retries: 12, startPeriod: "20s" },
        networksAdvanced: [{ name: args.infra.network.name }],
        labels: Object.entries({ ...args.tags, "polystore.admin-ui": t.tool, "polystore.admin-ui.store": facts.store }).map(([label, value]) => ({ label, value })),
        restart: "unless-stopped",
        mustRun: true,
        wait: true,
        waitTimeout: args.healthTimeoutSeconds,
      },
      { ...opts, deleteBeforeReplace: true, dependsOn: t.store ? [t.store] : [] },
    );
    containers.push(container);
    envs.push(
      pulumi.secret(
        pulumi.all([login]).apply(([pw]) => ({
          [`${facts.envPrefix}_URL`]: `http://${host}:${t.port}`,
          [`${facts.envPrefix}_USER`]: ADMIN_UI_LOGIN[t.tool],
          [`${facts.envPrefix}_PASSWORD`]: pw,
        })),
      ),
    );
  }
  const env = pulumi.secret(pulumi.all(envs).apply((all) => Object.assign({}, ...all) as Record<string, string>));
  return { env, containers };
}
