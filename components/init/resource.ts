/**
 * Pulumi wiring: an `InitScripts` dynamic resource per store that runs
 * `stacks/migrate.ts apply` for that store when it is created and whenever a
 * script checksum or the connection (e.g. a rotated password) changes.
 *
 * The provider's functions are serialised by Pulumi, so their bodies are
 * self-contained: they `require` what they use and spawn the runner as a child
 * process (`node --import tsx stacks/migrate.ts …`) in the project root, passing
 * the connection through the POLYSTORE_INIT_CONNECTION environment variable,
 * never argv. Deleting the resource does NOTHING to the store's data or ledger.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import type { StoreConnection, StoreKind } from "../core/types";
import { discoverScripts } from "./scripts";
import { findProjectRoot, PROJECT_ROOT } from "./project-root";
import { ADAPTER_REGISTRY } from "./registry";

/** Arguments of {@link createInitScripts} (the `InitHook` of components/stores/store.ts). */
export interface InitScriptsArgs {
  /** Store kind. */
  kind: StoreKind;
  /** Admin + app connection (kept secret). */
  connection: pulumi.Input<StoreConnection>;
  /** Scripts folder RELATIVE to the project root, e.g. `init-scripts/postgres`. */
  scriptsDir: string;
  /** Resources the store needs before init can run (its container, instance…). */
  ready?: pulumi.Resource[];
  /** How long the runner waits for the store to answer, seconds. Default 300. */
  waitTimeoutSeconds?: number;
}

interface ProviderInputs {
  kind: StoreKind;
  connection: StoreConnection;
  scriptsDir: string;
  checksums: Record<string, string>;
  waitTimeoutSeconds: number;
}

interface ProviderOutputs {
  kind: StoreKind;
  scriptsDir: string;
  checksums: Record<string, string>;
  connectionHash: string;
  waitTimeoutSeconds: number;
  applied: number;
  appliedVersions: number[];
  /**
   * Every version applied so far (this run's and earlier ones'): the authoritative record,
   * kept where the application cannot reach it. Passed back to the runner on the next
   * update, which so detects a store ledger that lost entries (Redis eviction).
   * Absent in states written before it existed.
   */
  recordedVersions?: number[];
  summary: string;
}

/**
 * The provider's diff: Pulumi's DiffResult plus `detailedDiff` keyed by script file
 * (`checksums["004_x.sql"]`: add = a new pending script, update = an edited one,
 * delete = a removed one), the shape of the engine's DetailedDiff. @pulumi/pulumi
 * 3.248's dynamic-provider host forwards only changes/replaces, so until it forwards
 * detailedDiff `pulumi preview --diff` shows the same per-file keys from its own diff
 * of the `checksums` input map.
 */
export interface InitScriptsDiff extends pulumi.dynamic.DiffResult {
  detailedDiff: Record<string, { kind: "add" | "update" | "delete"; inputDiff: boolean }>;
}

/**
 * {@link findProjectRoot}, held in a local so that Pulumi serialises the function alone (its
 * module would bring along PROJECT_ROOT, an absolute path of this machine, into the state).
 */
const projectRootOf = findProjectRoot;

/** Runs `migrate apply` for one store in a child process; self-contained because Pulumi serialises it. */
async function runInit(inputs: ProviderInputs, recorded: number[] = []): Promise<pulumi.dynamic.CreateResult<ProviderOutputs>> {
  const { execFile } = require("node:child_process") as typeof import("node:child_process");
  const crypto = require("node:crypto") as typeof import("node:crypto");
  // The provider host runs in the project (or below it); findProjectRoot is self-contained, so Pulumi serialises it along.
  const root = projectRootOf(process.cwd());
  const args = ["--import", "tsx", "stacks/migrate.ts", "apply", "--store", inputs.kind, "--connections-env", "POLYSTORE_INIT_CONNECTION",
    "--scripts-dir", inputs.scriptsDir, "--wait-timeout", String(inputs.waitTimeoutSeconds), "--json",
    ...(recorded.length ? ["--recorded", recorded.join(",")] : [])];
  // Asynchronous, so the provider host can run several stores' init at once.
  const { stdout, stderr, failed, message } = await new Promise<{ stdout: string; stderr: string; failed: boolean; message: string }>((done) => {
    execFile(
      process.execPath,
      args,
      { cwd: root, env: { ...process.env, POLYSTORE_INIT_CONNECTION: JSON.stringify(inputs.connection) }, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 },
      (err, out, errOut) => done({ stdout: out, stderr: errOut, failed: !!err, message: err?.message ?? "" }),
    );
  });
  if (failed) {
    let detail = stderr.trim().split("\n").slice(-5).join("\n");
    try {
      const reports = JSON.parse(stdout) as Array<{ error?: string }>;
      detail = reports.map((r) => r.error).filter(Boolean).join("\n") || detail;
    } catch {
      /* not JSON: keep stderr */
    }
    throw new Error(`init scripts for ${inputs.kind} failed:\n${detail || message.split("\n")[0]}`);
  }
  const report = (JSON.parse(stdout) as Array<{ applied: Array<{ version: number; fileName: string }>; skipped: number[]; notes?: string[] }>)[0]!;
  // A lost ledger is worth a line in `pulumi up`'s output, not only in the report.
  const lost = (report.notes ?? []).filter((n) => n.includes("ledger lost"));
  const versions = report.applied.map((a) => a.version);
  const recordedVersions = [...new Set([...report.skipped, ...versions])].sort((a, b) => a - b);
  return {
    id: `${inputs.kind}-init`,
    outs: {
      kind: inputs.kind,
      scriptsDir: inputs.scriptsDir,
      checksums: inputs.checksums,
      connectionHash: crypto.createHash("sha256").update(JSON.stringify(inputs.connection)).digest("hex"),
      waitTimeoutSeconds: inputs.waitTimeoutSeconds,
      applied: versions.length,
      appliedVersions: versions,
      recordedVersions,
      summary: (versions.length
        ? `applied ${report.applied.map((a) => a.fileName).join(", ")}; ${report.skipped.length} already applied`
        : `nothing to apply; ${report.skipped.length} already applied`) + lost.map((n) => `; ${n}`).join(""),
    },
  };
}

/** The dynamic provider (exported for tests). */
export const initScriptsProvider: pulumi.dynamic.ResourceProvider<ProviderInputs, ProviderOutputs> = {
  async create(inputs) {
    return runInit(inputs);
  },

  async diff(_id, olds, news) {
    const crypto = require("node:crypto") as typeof import("node:crypto");
    const changes: string[] = [];
    if (olds.kind !== news.kind) changes.push("kind");
    if (olds.scriptsDir !== news.scriptsDir) changes.push("scriptsDir");
    // Self-contained (serialised by Pulumi): one entry per script file added, edited or removed.
    const detailedDiff: Record<string, { kind: "add" | "update" | "delete"; inputDiff: boolean }> = {};
    const before = olds.checksums ?? {};
    const after = news.checksums ?? {};
    for (const file of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      const kind = !(file in before) ? "add" : !(file in after) ? "delete" : before[file] !== after[file] ? "update" : undefined;
      if (kind) detailedDiff[`checksums["${file}"]`] = { kind, inputDiff: true };
    }
    if (Object.keys(detailedDiff).length) changes.push("checksums");
    const hash = crypto.createHash("sha256").update(JSON.stringify(news.connection)).digest("hex");
    if (olds.connectionHash !== hash) {
      changes.push("connection");
      detailedDiff.connection = { kind: "update", inputDiff: true };
    }
    const result: InitScriptsDiff = { changes: changes.length > 0, replaces: [], deleteBeforeReplace: false, detailedDiff };
    return result;
  },

  async update(_id, olds, news) {
    const { outs } = await runInit(news, olds.recordedVersions ?? []);
    return { outs };
  },

  async delete(_id, props) {
    // Intentionally nothing: removing the resource (or the stack) never drops schema objects, data or the ledger.
    console.log(`${props.kind}: kept on purpose: the store's schema objects, data and init-script ledger (polystore never drops them)`);
  },
};

/** Runs one store's init scripts from `pulumi up`. */
export class InitScripts extends pulumi.dynamic.Resource {
  declare readonly applied: pulumi.Output<number>;
  declare readonly appliedVersions: pulumi.Output<number[]>;
  declare readonly recordedVersions: pulumi.Output<number[]>;
  declare readonly summary: pulumi.Output<string>;
  declare readonly checksums: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: InitScriptsArgs, opts?: pulumi.CustomResourceOptions) {
    // Static data of the registry: no adapter (and no database driver) is loaded by the stack program.
    const extensions = ADAPTER_REGISTRY[args.kind]?.extensions;
    if (!extensions) throw new Error(`${name}: no init-script adapter for store kind "${args.kind}"`);
    // Discovery at preview time: bad names / duplicates fail `pulumi preview`, naming the file.
    const scripts = discoverScripts(resolve(PROJECT_ROOT, args.scriptsDir), extensions);
    const checksums = Object.fromEntries(scripts.map((s) => [s.fileName, s.checksum]));
    super(
      initScriptsProvider,
      name,
      {
        kind: args.kind,
        connection: pulumi.secret(args.connection),
        scriptsDir: args.scriptsDir,
        checksums,
        waitTimeoutSeconds: args.waitTimeoutSeconds ?? 300,
        applied: undefined,
        appliedVersions: undefined,
        recordedVersions: undefined,
        summary: undefined,
        connectionHash: undefined,
      },
      { ...opts, additionalSecretOutputs: ["connection", "connectionHash"] },
    );
  }
}

/** Creates the `InitScripts` resource of one store, after `args.ready`. Matches `InitHook`. */
export function createInitScripts(name: string, args: InitScriptsArgs, parent: pulumi.Resource): InitScripts {
  return new InitScripts(name, args, { parent, dependsOn: args.ready ?? [] });
}

/** sha256 of a connection, as stored in the resource state (exported for tests). */
export function connectionHash(conn: StoreConnection): string {
  return createHash("sha256").update(JSON.stringify(conn)).digest("hex");
}
