import * as pulumi from "@pulumi/pulumi";
import type { Credentials, StoreConnection, StoreKind } from "../core/types";
import type { ManagedFact } from "../core/managed";
import { storeModule } from "./index";
import { createStore, type StoreArgs, type StoreOutputs } from "./store";

/**
 * One store of a stack: a thin ComponentResource (type `polystore:<kind>:<Name>Store`, from the
 * store's module) whose work is {@link createStore}.
 */
export class StoreComponent<K extends StoreKind = StoreKind> extends pulumi.ComponentResource implements StoreOutputs {
  public readonly kind: K;
  public readonly host: pulumi.Output<string>;
  public readonly port: pulumi.Output<number>;
  public readonly database: pulumi.Output<string>;
  public readonly adminCredentials: pulumi.Output<Credentials>;
  public readonly appCredentials: pulumi.Output<Credentials>;
  public readonly connection: pulumi.Output<StoreConnection>;
  public readonly env: pulumi.Output<Record<string, string>>;
  public readonly connectionUrl: pulumi.Output<string>;
  public readonly init?: pulumi.Resource;
  public readonly managed?: pulumi.Output<ManagedFact>;

  constructor(kind: K, name: string, args: StoreArgs<K>, opts?: pulumi.ComponentResourceOptions) {
    super(storeModule(kind).componentType, name, {}, opts);
    this.kind = kind;
    const out = createStore(kind, name, args, this);
    this.host = out.host;
    this.port = out.port;
    this.database = out.database;
    this.adminCredentials = out.adminCredentials;
    this.appCredentials = out.appCredentials;
    this.connection = out.connection;
    this.env = out.env;
    this.connectionUrl = out.connectionUrl;
    this.init = out.init;
    this.managed = out.managed;
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
