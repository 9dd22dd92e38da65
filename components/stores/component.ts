import * as pulumi from "@pulumi/pulumi";
import type { StoreSettings } from "./settings";
import type { SpecSecrets, StoreSpec } from "../core/spec";
import { createStore, type StoreArgs, type StoreOutputs } from "./store";
import type { Credentials, StoreConnection, StoreKind } from "../core/types";

/**
 * Base of the six store components: a thin ComponentResource whose work is
 * `createStore`. Subclasses only name their type token and spec builder.
 */
export abstract class StoreComponent<S extends StoreSettings> extends pulumi.ComponentResource implements StoreOutputs {
  public readonly kind: StoreKind;
  public readonly host: pulumi.Output<string>;
  public readonly port: pulumi.Output<number>;
  public readonly database: pulumi.Output<string>;
  public readonly adminCredentials: pulumi.Output<Credentials>;
  public readonly appCredentials: pulumi.Output<Credentials>;
  public readonly connection: pulumi.Output<StoreConnection>;
  public readonly env: pulumi.Output<Record<string, string>>;
  public readonly connectionUrl: pulumi.Output<string>;
  public readonly init?: pulumi.Resource;

  protected constructor(
    type: string,
    kind: StoreKind,
    name: string,
    args: StoreArgs<S>,
    buildSpec: (settings: S, secrets: SpecSecrets) => StoreSpec,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(type, name, {}, opts);
    this.kind = kind;
    const out = createStore(kind, name, args, buildSpec as (s: StoreSettings, x: SpecSecrets) => StoreSpec, this);
    this.host = out.host;
    this.port = out.port;
    this.database = out.database;
    this.adminCredentials = out.adminCredentials;
    this.appCredentials = out.appCredentials;
    this.connection = out.connection;
    this.env = out.env;
    this.connectionUrl = out.connectionUrl;
    this.init = out.init;
    this.registerOutputs({
      host: this.host,
      port: this.port,
      database: this.database,
      adminCredentials: this.adminCredentials,
      appCredentials: this.appCredentials,
      connectionUrl: this.connectionUrl,
    });
  }
}
