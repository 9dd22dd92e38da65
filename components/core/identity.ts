import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Credentials } from "./types";

/** Generated or configured identities of one store. */
export interface StoreIdentity {
  /** Administrative identity (stays in Pulumi). */
  admin: pulumi.Output<Credentials>;
  /** Least-privilege application identity. */
  app: pulumi.Output<Credentials>;
}

/** A generated password: 32 letters and digits (safe in URLs and shells), kept secret. */
export function generatedPassword(name: string, parent: pulumi.Resource): pulumi.Output<string> {
  const pw = new random.RandomPassword(name, { length: 32, special: false, minLower: 4, minUpper: 4, minNumeric: 4 }, { parent });
  return pulumi.secret(pw.result);
}

/** Secret credentials from a user name and a password. */
export function secretCredentials(user: pulumi.Input<string>, password: pulumi.Input<string>): pulumi.Output<Credentials> {
  return pulumi.secret(pulumi.all([user, password]).apply(([u, p]) => ({ user: u, password: p })));
}

/** Arguments of `createIdentity`. */
export interface IdentityArgs {
  /** Administrative user name. */
  adminUser: string;
  /** Application user name. */
  appUser: string;
  /** An existing admin password (external target); default: generated. */
  adminPassword?: pulumi.Input<string>;
  /** An existing application user and password managed outside polystore; default: generated. */
  appPassword?: pulumi.Input<string>;
}

/** Admin and application identities, generating whatever is not given. */
export function createIdentity(name: string, args: IdentityArgs, parent: pulumi.Resource): StoreIdentity {
  const adminPassword = args.adminPassword ?? generatedPassword(`${name}-admin-password`, parent);
  const appPassword = args.appPassword ?? generatedPassword(`${name}-app-password`, parent);
  return {
    admin: secretCredentials(args.adminUser, adminPassword),
    app: secretCredentials(args.appUser, appPassword),
  };
}
