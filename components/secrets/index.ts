import * as pulumi from "@pulumi/pulumi";
import { DotEnvFile } from "./dotenv";
import { renderDotEnv } from "./dotenv-text";
import { rootAlias, SharedResources } from "../core/shared";
import type { KubernetesInfra } from "../targets/kubernetes";
import type { ConnectionSecretsConfig } from "./schema";
import type { StoreKind, Target } from "../core/types";
import { awsSecretsManagerSink } from "./aws-secrets-manager";
import { kubernetesSecretSink } from "./kubernetes-secret";

export { awsSecretsManagerSink, awsSecretName } from "./aws-secrets-manager";
export { kubernetesSecretSink } from "./kubernetes-secret";
export { connectionSecretsSchema, type ConnectionSecretsConfig } from "./schema";

/** One enabled store as the secret writers see it. */
export interface SinkStore {
  kind: StoreKind;
  target: Target;
  /** Application environment variables (secret). */
  env: pulumi.Output<Record<string, string>>;
}

/** What a secret writer receives. */
export interface SinkContext {
  /** `polystore:connectionSecrets`. */
  config: ConnectionSecretsConfig;
  stack: string;
  tags: Record<string, string>;
  stores: SinkStore[];
  /** `polystore:aws` pieces the Secrets Manager sink uses. */
  aws?: { region?: string; kmsKeyArn?: string; production: boolean };
  /** The stack's Kubernetes namespace and provider (made on first use). */
  kubernetes: () => KubernetesInfra;
  /** Parent of every sink's resources. */
  parent: pulumi.Resource;
  /** More variables for the env file only, e.g. the docker admin UIs' logins (secret). */
  extraEnv?: Array<{ title: string; vars: pulumi.Output<Record<string, string>> }>;
}

/** Where one store's connection secret was written. */
export interface SinkResult {
  /** `env-file`, `aws-secrets-manager`, `kubernetes-secret`. */
  sink: string;
  /** Stores covered. */
  stores: StoreKind[];
  /** File path, secret ARN/name, or namespace/name. */
  location: pulumi.Output<string>;
  resources: pulumi.Resource[];
}

/** A writer of connection secrets. Returns undefined when it is off for this stack. */
export type SecretSink = (ctx: SinkContext) => SinkResult | undefined;

/** `.env.<stack>` (mode 0600), on by default when a store uses the docker or external target. */
export const envFileSink: SecretSink = (ctx) => {
  const cfg = ctx.config.envFile;
  const local = ctx.stores.filter((s) => s.target === "docker" || s.target === "external");
  if (!(cfg.enabled ?? local.length > 0)) return undefined;
  const stores = cfg.enabled ? ctx.stores : local;
  const path = cfg.path ?? `.env.${ctx.stack}`;
  const extra = ctx.extraEnv ?? [];
  const content = pulumi
    .all([pulumi.all(stores.map((s) => s.env)), pulumi.all(extra.map((x) => x.vars))])
    .apply(([envs, extraVars]) =>
      renderDotEnv(
        [...envs.map((vars, i) => ({ title: stores[i].kind, vars })), ...extraVars.map((vars, i) => ({ title: extra[i].title, vars }))],
        `polystore stack ${ctx.stack}: application connection details`,
      ),
    );
  const file = new DotEnvFile(
    "env-file",
    { path, content, stores: stores.map((s) => s.kind) },
    { parent: ctx.parent, aliases: [rootAlias("env-file", "pulumi-nodejs:dynamic/polystore:DotEnvFile")] },
  );
  return { sink: "env-file", stores: stores.map((s) => s.kind), location: pulumi.output(path), resources: [file] };
};

/** The parent of the connection-secret writers' resources (type `polystore:secrets:ConnectionSecrets`). */
export function connectionSecretsParent(): pulumi.Resource {
  return new SharedResources("polystore:secrets:ConnectionSecrets", "connection-secrets");
}

/** Every secret writer, in order; target modules add theirs. */
export const SINKS: SecretSink[] = [envFileSink, awsSecretsManagerSink, kubernetesSecretSink];
