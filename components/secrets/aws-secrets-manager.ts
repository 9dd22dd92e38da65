import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { rootAlias } from "../core/shared";
import type { SecretSink } from "./index";

/** Secret name of one store: `<prefix>/<store>`, prefix default `polystore/<stack>`. */
export function awsSecretName(prefix: string, kind: string): string {
  return `${prefix.replace(/\/+$/, "")}/${kind}`;
}

/**
 * AWS Secrets Manager: one secret per store, holding the same variables as
 * the `.env` file (the store's `env`: DATABASE_URL, POSTGRES_USER, ...) as a
 * JSON object. On by default when a store uses the aws target, for the aws
 * stores; with `enabled: true` for every store. Encrypted with
 * `polystore:aws.kmsKeyArn` when set. Deleted secrets are recoverable for 30
 * days in production; other stacks delete them at once, so a re-created
 * review stack can reuse the names.
 */
export const awsSecretsManagerSink: SecretSink = (ctx) => {
  const cfg = ctx.config.awsSecretsManager;
  const onAws = ctx.stores.filter((s) => s.target === "aws");
  if (!(cfg.enabled ?? onAws.length > 0)) return undefined;
  const stores = cfg.enabled ? ctx.stores : onAws;
  const aws_ = ctx.aws;
  const prefix = cfg.prefix ?? `polystore/${ctx.stack}`;
  const region = aws_?.region ? { region: aws_.region } : {};
  const resources: pulumi.Resource[] = [];
  const names: string[] = [];
  for (const store of stores) {
    const name = awsSecretName(prefix, store.kind);
    const secret = new aws.secretsmanager.Secret(`${store.kind}-connection-secret`, {
      ...region,
      name,
      description: `polystore ${ctx.stack}: ${store.kind} connection details for applications (least-privilege user)`,
      kmsKeyId: aws_?.kmsKeyArn,
      recoveryWindowInDays: aws_?.production ? 30 : 0,
      tags: { ...ctx.tags, store: store.kind },
    }, { parent: ctx.parent, aliases: [rootAlias(`${store.kind}-connection-secret`, "aws:secretsmanager/secret:Secret")] });
    const version = new aws.secretsmanager.SecretVersion(
      `${store.kind}-connection-secret-version`,
      { ...region, secretId: secret.id, secretString: pulumi.secret(store.env.apply((env) => JSON.stringify(env))) },
      { parent: secret },
    );
    resources.push(secret, version);
    names.push(name);
  }
  return { sink: "aws-secrets-manager", stores: stores.map((s) => s.kind), location: pulumi.output(names.join(", ")), resources };
};
