/**
 * Child process of the offline policy check: evaluates ONE stack's program
 * (`definePolystore(parseConfig(<stack file>), stack)`) under Pulumi mocks
 * that echo inputs (./mocks.ts), records every registered resource
 * as the analyzer would see it, and writes a Snapshot as JSON.
 *
 *   node --import tsx policies/offline/evaluate.ts --file Pulumi.dev.yaml --out /tmp/x.json
 *
 * One process per stack because Pulumi's runtime state (mocks, config,
 * stack name) is process-global.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { installEchoMocks, type RegistrationObserver } from "./mocks";
import { PROJECT_ROOT } from "../../components/init/project-root";
import { ConfigError, namespaceTypos, parseConfig } from "../../stacks/config";
import { definePolystore } from "../../stacks/program";
import { durationSeconds, unwrap, type Snapshot, type SnapshotResource } from "./snapshot";
import { readStackFile, StackFileError } from "./stackfile";

const ROOT = PROJECT_ROOT;

interface Recorder {
  resources: Map<string, SnapshotResource>;
  pending: number;
}

/** An observer of the mocked engine recording every registration with its request details. */
function record(): { rec: Recorder; observer: RegistrationObserver } {
  const rec: Recorder = { resources: new Map(), pending: 0 };
  const observer: RegistrationObserver = {
    request() {
      rec.pending++;
    },
    response(req, err, resp) {
      rec.pending--;
      if (err || !resp) return;
      const urn: string = resp.getUrn();
      const inputs = unwrap(req.getObject()?.toJavaScript());
      const outputs = unwrap(resp.getObject()?.toJavaScript());
      const aso: string[] = req.getAdditionalsecretoutputsList();
      const pd: Record<string, string[]> = {};
      req.getPropertydependenciesMap().forEach((v, k) => {
        if (!k.startsWith("__")) pd[k] = v.getUrnsList();
      });
      const timeouts = req.getCustomtimeouts();
      const parent: string = req.getParent();
      rec.resources.set(urn, {
        urn,
        type: req.getType(),
        name: req.getName(),
        custom: req.getCustom(),
        parent: parent || undefined,
        provider: req.getProvider() || undefined,
        inputs: inputs.value,
        inputSecrets: inputs.secrets,
        outputs: outputs.value,
        outputSecrets: [...new Set([...outputs.secrets, ...inputs.secrets, ...aso.filter((k) => k in outputs.value)])],
        opts: {
          protect: req.getProtect(),
          ignoreChanges: req.getIgnorechangesList(),
          ...(req.getDeletebeforereplacedefined() ? { deleteBeforeReplace: req.getDeletebeforereplace() } : {}),
          aliases: req.getAliasurnsList(),
          customTimeouts: {
            createSeconds: durationSeconds(timeouts?.getCreate()),
            updateSeconds: durationSeconds(timeouts?.getUpdate()),
            deleteSeconds: durationSeconds(timeouts?.getDelete()),
          },
          additionalSecretOutputs: aso,
          ...(parent ? { parent } : {}),
        },
        dependencies: req.getDependenciesList(),
        propertyDependencies: pd,
      });
    },
    outputs(req) {
      const r = rec.resources.get(req.getUrn());
      if (r) {
        const outs = unwrap(req.getOutputs()?.toJavaScript());
        r.outputs = outs.value;
        r.outputSecrets = outs.secrets;
      }
    },
  };
  return { rec, observer };
}

/** Resolves an Output with its secretness. */
function settle(o: pulumi.Output<unknown>): Promise<{ value: unknown; secret: boolean }> {
  return new Promise((resolve) => {
    o.apply((value) => {
      Promise.resolve((o as unknown as { isSecret: Promise<boolean> }).isSecret).then((secret) => resolve({ value, secret }));
      return value;
    });
  });
}

/** Waits until no registration is in flight and nothing new arrived for a few ticks. */
async function quiesce(rec: Recorder): Promise<void> {
  let last = -1;
  for (let stable = 0; stable < 3; ) {
    await new Promise((r) => setTimeout(r, 25));
    const n = rec.resources.size;
    stable = rec.pending === 0 && n === last ? stable + 1 : 0;
    last = n;
  }
}

async function evaluate(file: string): Promise<Snapshot> {
  const rel = path.relative(ROOT, path.resolve(file));
  const project = String((yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { name?: string })?.name ?? "polystore");
  let sf;
  try {
    sf = readStackFile(file);
  } catch (e) {
    const stack = path.basename(file).replace(/^Pulumi\.|\.ya?ml$/g, "");
    return { stack, project, file: rel, resources: [], error: { kind: "config", message: e instanceof StackFileError ? e.message : String(e) } };
  }
  const snapshot: Snapshot = { stack: sf.stack, project, file: rel, resources: [], ...(sf.templatePr ? { templatePr: sf.templatePr } : {}) };
  const { rec, observer } = record();
  installEchoMocks(sf.stack, project, observer);
  pulumi.runtime.setAllConfig(sf.all, sf.secretKeys);
  let cfg;
  try {
    cfg = parseConfig(sf.polystore, { stack: sf.stack, problems: namespaceTypos(sf.all) });
  } catch (e) {
    if (e instanceof ConfigError) return { ...snapshot, error: { kind: "config", message: `${rel}: ${e.message}` } };
    throw e;
  }
  const program = definePolystore(cfg, sf.stack);
  const outputs: Record<string, unknown> = {};
  const secrets: string[] = [];
  for (const [name, o] of Object.entries(program.outputs)) {
    const { value, secret } = await settle(o as pulumi.Output<unknown>);
    outputs[name] = value;
    if (secret) secrets.push(name);
  }
  await quiesce(rec);

  // The engine parents every top-level resource to the stack resource and reports the program's exports as its outputs.
  const stackUrn = `urn:pulumi:${sf.stack}::${project}::pulumi:pulumi:Stack::${project}-${sf.stack}`;
  const resources = [...rec.resources.values()].map((r) => (r.parent ? r : { ...r, parent: stackUrn, opts: { ...r.opts, parent: stackUrn } }));
  resources.unshift({
    urn: stackUrn,
    type: "pulumi:pulumi:Stack",
    name: `${project}-${sf.stack}`,
    custom: false,
    inputs: {},
    inputSecrets: [],
    outputs,
    outputSecrets: secrets,
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    dependencies: [],
    propertyDependencies: {},
  });
  return { ...snapshot, resources };
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const file = arg("file");
  const out = arg("out");
  if (!file || !out) {
    console.error("usage: evaluate.ts --file <Pulumi.<stack>.yaml> --out <snapshot.json>");
    process.exit(2);
  }
  let snapshot: Snapshot;
  const failures: unknown[] = [];
  process.on("unhandledRejection", (e) => failures.push(e));
  try {
    snapshot = await evaluate(file);
  } catch (e) {
    snapshot = { stack: "", project: "", file, resources: [], error: { kind: "program", message: (e as Error)?.stack ?? String(e) } };
  }
  if (!snapshot.error && failures.length > 0) {
    snapshot.error = { kind: "program", message: failures.map((e) => (e as Error)?.stack ?? String(e)).join("\n") };
  }
  fs.writeFileSync(out, JSON.stringify(snapshot));
  process.exit(0);
}

void main();
