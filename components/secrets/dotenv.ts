import * as pulumi from "@pulumi/pulumi";

/** Inputs of the `.env` file resource, as the provider sees them. */
export interface DotEnvInputs {
  /** File path; relative paths are relative to the project root (where Pulumi runs the program). */
  path: string;
  /** Whole file content (secret). */
  content: string;
  /** The stores whose variables the file holds (kept in state, so policies can see coverage). */
  stores?: string[];
}

/**
 * Writes a `.env` file with mode 0600 on `pulumi up` only (dynamic providers
 * are not called during preview), rewrites it when its content changes, and
 * removes it on destroy. Its state keeps the path and a hash, never the content.
 * Functions are self-contained because Pulumi serialises them.
 */
export const dotEnvProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: unknown, news: DotEnvInputs) {
    const failures = [];
    if (typeof news.path !== "string" || news.path.length === 0) failures.push({ property: "path", reason: "expected a file path" });
    return { inputs: news, failures };
  },

  async create(inputs: DotEnvInputs) {
    const fs = require("fs") as typeof import("fs");
    const path = require("path") as typeof import("path");
    const crypto = require("crypto") as typeof import("crypto");
    const file = path.resolve(inputs.path);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, inputs.content, { mode: 0o600 });
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, file);
    const sha256 = crypto.createHash("sha256").update(inputs.content).digest("hex");
    return { id: file, outs: { path: inputs.path, file, sha256, stores: inputs.stores ?? [] } };
  },

  async diff(_id: string, olds: { path: string; sha256: string; stores?: string[] }, news: DotEnvInputs) {
    const crypto = require("crypto") as typeof import("crypto");
    const sha256 = crypto.createHash("sha256").update(news.content).digest("hex");
    const replaces = olds.path !== news.path ? ["path"] : [];
    const storesChanged = JSON.stringify(olds.stores ?? []) !== JSON.stringify(news.stores ?? []);
    return { changes: replaces.length > 0 || olds.sha256 !== sha256 || storesChanged, replaces, deleteBeforeReplace: false };
  },

  async update(_id: string, _olds: unknown, news: DotEnvInputs) {
    const fs = require("fs") as typeof import("fs");
    const path = require("path") as typeof import("path");
    const crypto = require("crypto") as typeof import("crypto");
    const file = path.resolve(news.path);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, news.content, { mode: 0o600 });
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, file);
    return { outs: { path: news.path, file, sha256: crypto.createHash("sha256").update(news.content).digest("hex"), stores: news.stores ?? [] } };
  },

  async delete(_id: string, props: { file: string }) {
    const fs = require("fs") as typeof import("fs");
    fs.rmSync(props.file, { force: true });
  },
};

/** Arguments of `DotEnvFile`. */
export interface DotEnvFileArgs {
  /** File path, relative to the project root. */
  path: pulumi.Input<string>;
  /** File content; always stored as a secret. */
  content: pulumi.Input<string>;
  /** The stores whose variables the file holds. */
  stores?: pulumi.Input<string[]>;
}

/** A `.env` file holding applications' connection details (mode 0600). */
export class DotEnvFile extends pulumi.dynamic.Resource {
  /** The path as configured. */
  public readonly path!: pulumi.Output<string>;
  /** SHA-256 of the content (changes when any value rotates). */
  public readonly sha256!: pulumi.Output<string>;
  /** The stores the file covers. */
  public readonly stores!: pulumi.Output<string[]>;

  constructor(name: string, args: DotEnvFileArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dotEnvProvider,
      name,
      { path: args.path, content: pulumi.secret(args.content), stores: args.stores ?? [], file: undefined, sha256: undefined },
      { ...opts, additionalSecretOutputs: ["content"] },
      "polystore",
      "DotEnvFile",
    );
  }
}
