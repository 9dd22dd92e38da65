import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import type { ReviewCommand } from "./args";
import { registerSensitive, ReviewError, scrubSensitive } from "./errors";
import { META_KEYS, META_NS, parseDate } from "./expiry";
import { reviewStackName } from "./naming";
import { collectChecks } from "./checks";
import { requireSnapshot, seedReviewStack } from "./seed";
import { renderSummary, type LedgerRow, type OutputValue, type PolicySummary } from "./summary";
import { secretValues, substitute, validateEntries } from "./fill";
import { jsonPayload, secretLeafConfig } from "./stack-config";
import { entriesFromYaml, readTemplate, type ConfigEntry } from "./template";
import { expiryFrom } from "./ttl";
import {
  cliMessage,
  decryptTemplate,
  openWorkspace,
  plainConfig,
  preservingSelection,
  PROJECT_ROOT,
  projectName,
  requirePassphrase,
  stackFileConfig,
  type ReviewWorkspace,
} from "./workspace";

/** What `up` needs besides its arguments (injected by tests). */
export interface UpDeps {
  /** Where Pulumi's progress goes; default process.stdout. */
  write?: (chunk: string) => void;
  now?: () => Date;
  env?: NodeJS.ProcessEnv;
  workDir?: string;
  /** Ledgers and policy summary for the comment; default: read the stores and run the offline policy check. */
  checks?: (outputs: Record<string, OutputValue>) => Promise<{ ledgers?: LedgerRow[]; policy?: PolicySummary }>;
}

/** Result of `up`: the stack, its expiry and the Markdown summary. */
export interface UpResult {
  stack: string;
  expiresAt: Date;
  summary: string;
}

/** Fills in and checks the template's values for this PR; nothing is created here. */
function fillTemplate(
  cmd: Extract<ReviewCommand, { command: "up" }>,
  raw: Record<string, ConfigEntry>,
  stack: string,
  env: NodeJS.ProcessEnv,
): Record<string, ConfigEntry> {
  const { entries, sensitive } = substitute(raw, { pr: cmd.pr, stack, env }, cmd.base);
  registerSensitive([...sensitive, ...secretValues(entries)]);
  validateEntries(entries, cmd.base);
  return entries;
}

/** When the stack was first brought up, from its stack file or its last update's config. */
async function firstCreated(rw: ReviewWorkspace, stack: Stack): Promise<Date | undefined> {
  const local = await stackFileConfig(rw.ws, stack.name);
  const fromFile = parseDate(local?.[META_KEYS.createdAt]);
  if (fromFile) return fromFile;
  const last = await stack.history(1, 1, false).catch(() => []);
  return parseDate(plainConfig(last[0]?.config)[META_KEYS.createdAt]);
}

/**
 * `up --pr <n>`: creates or selects `review-pr-<n>`, replaces its config with
 * the template's (keys the template no longer has are removed), records PR
 * and expiry under `polystore-review:`, runs `pulumi up` with progress
 * streamed, and returns the Markdown summary. Every check (arguments,
 * template, login, passphrase) runs before the stack is created.
 */
export async function reviewUp(cmd: Extract<ReviewCommand, { command: "up" }>, deps: UpDeps = {}): Promise<UpResult> {
  const write = deps.write ?? ((s: string) => void process.stdout.write(s));
  const env = deps.env ?? process.env;
  const now = (deps.now ?? (() => new Date()))();
  const stackName = reviewStackName(cmd.pr);
  const workDir = deps.workDir ?? PROJECT_ROOT;
  if (cmd.seed) requireSnapshot(cmd.seed);

  // Template problems (exit 2) are found before the CLI is even asked; secure values need the CLI to decrypt.
  const tpl = readTemplate(path.resolve(workDir, cmd.base), projectName(workDir));
  let entries = tpl.hasSecure ? undefined : fillTemplate(cmd, entriesFromYaml(tpl.config), stackName, env);
  const rw = await openWorkspace({ workDir });
  requirePassphrase(rw, env);
  entries ??= fillTemplate(cmd, await decryptTemplate(tpl, rw), stackName, env);
  const config = entries;
  const expiresAt = expiryFrom(now, cmd.ttlMs);

  return preservingSelection(rw, async () => {
    const stack = await Stack.createOrSelect(stackName, rw.ws);
    const createdAt = (await firstCreated(rw, stack)) ?? now;
    const current = (await stackFileConfig(rw.ws, stackName)) ?? {};
    const stale = Object.keys(current).filter((k) => !(k in config) && !k.startsWith(`${META_NS}:`));
    try {
      if (stale.length > 0) await rw.ws.removeAllConfig(stackName, stale);
      await rw.ws.setAllConfigJson(stackName, JSON.stringify(jsonPayload(config)));
      const leaves = secretLeafConfig(config);
      if (Object.keys(leaves).length > 0) await rw.ws.setAllConfig(stackName, leaves, true);
      await rw.ws.setAllConfig(stackName, {
        [META_KEYS.pr]: { value: String(cmd.pr), secret: false },
        [META_KEYS.ttl]: { value: cmd.ttl, secret: false },
        [META_KEYS.createdAt]: { value: createdAt.toISOString(), secret: false },
        [META_KEYS.expiresAt]: { value: expiresAt.toISOString(), secret: false },
      });
    } catch (err) {
      throw new ReviewError(`Cannot write the config of ${stackName}: ${cliMessage(err)}`);
    }
    write(`Updating ${stackName} (PR #${cmd.pr}, expires ${expiresAt.toISOString()}) on ${rw.backendUrl}\n`);
    let outputs: Record<string, OutputValue>;
    try {
      const result = await stack.up({ onOutput: write, color: "never", suppressOutputs: true, message: `review PR #${cmd.pr}` });
      outputs = result.outputs as Record<string, OutputValue>;
    } catch (err) {
      throw new ReviewError(`pulumi up of ${stackName} failed: ${cliMessage(err)}`, [
        `the stack keeps its expiry (${expiresAt.toISOString()}); fix and push again, or run \`npm run review -- down --pr ${cmd.pr}\``,
      ]);
    }
    if (cmd.seed && (await seedReviewStack(cmd.seed, stackName, outputs, write)) !== 0) {
      throw new ReviewError(`seeding ${stackName} from snapshot ${cmd.seed} failed (see above); the stack is up without the seed data`);
    }
    write("Reading the init-script ledgers and running the policy check for the PR comment\n");
    const checks = await (deps.checks ?? ((o) => collectChecks(o, workDir, cmd.base)))(outputs);
    const summary = scrubSensitive(renderSummary({ stack: stackName, pr: cmd.pr, expiresAt, ttl: cmd.ttl, outputs, now, ...checks }));
    if (cmd.summaryFile) {
      fs.mkdirSync(path.dirname(path.resolve(cmd.summaryFile)), { recursive: true });
      fs.writeFileSync(cmd.summaryFile, summary);
    }
    return { stack: stackName, expiresAt, summary };
  });
}
