import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CommandError, LocalWorkspace, PulumiCommand, StackNotFoundError, type ConfigMap } from "@pulumi/pulumi/automation";
import { EnvironmentError, ReviewError } from "./errors";
import { entriesFromDecrypted, type ConfigEntry, type TemplateFile } from "./template";

/**
 * The Automation API side of the review CLI: the Pulumi CLI, a
 * LocalWorkspace on the project directory, login and passphrase checks
 * made before anything is created.
 */

/** The project root (defined once, in components/init/project-root.ts). */
export { PROJECT_ROOT } from "../../components/init/project-root";
import { PROJECT_ROOT } from "../../components/init/project-root";

/** The review CLI's view of the backend it talks to. */
export interface ReviewWorkspace {
  ws: LocalWorkspace;
  cmd: PulumiCommand;
  workDir: string;
  project: string;
  /** Backend URL from `pulumi whoami` (file://..., https://app.pulumi.com/...). */
  backendUrl: string;
  user: string;
  /** A self-managed ("DIY") backend: file://, s3://, gs://, azblob://, postgres://. Its default secrets provider is the passphrase. */
  diy: boolean;
}

/**
 * The `error:` lines of a failed Pulumi command, for people. Never the
 * command line itself: the Automation API puts config values (secrets
 * included) on it, and a CommandError's message repeats it.
 */
export function cliMessage(err: unknown): string {
  const stderr = err instanceof CommandError ? ((err as unknown as { commandResult?: { stderr?: string } }).commandResult?.stderr ?? "") : "";
  const text = stderr || (err instanceof Error ? err.message : String(err));
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !/^(code|stdout|stderr|err\?):/i.test(l) && !/^Command failed with exit code/i.test(l) && !/^at /.test(l));
  const errors = [...new Set(lines.filter((l) => /^error:/i.test(l)))];
  const picked = errors.length > 0 ? errors.join("; ") : (lines.find((l) => !/--(json|secret|plaintext)\b/.test(l)) ?? "unknown error");
  return picked.replace(/^error:\s*/i, "").replace(/error:\s*/gi, "");
}

/** The Pulumi CLI on PATH (or under PULUMI_CLI_ROOT/bin), version-checked unless PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK is set. */
export async function getPulumiCommand(env: NodeJS.ProcessEnv = process.env): Promise<PulumiCommand> {
  try {
    return await PulumiCommand.get(env.PULUMI_CLI_ROOT ? { root: env.PULUMI_CLI_ROOT } : undefined);
  } catch (err) {
    const msg = cliMessage(err);
    if (/ENOENT|not found/i.test(msg) || /ENOENT/.test(String(err))) {
      throw new EnvironmentError("The Pulumi CLI was not found.", [
        "install it (https://www.pulumi.com/docs/install/) and put `pulumi` on PATH, or set PULUMI_CLI_ROOT to a folder holding bin/pulumi",
        "in this repository: `bash test/e2e/setup-pulumi.sh && source test/e2e/pulumi-env.sh`",
      ]);
    }
    throw new EnvironmentError(`The Pulumi CLI cannot be used: ${msg}`);
  }
}

/** Whether a backend URL is a self-managed backend (passphrase by default). */
export function isDiyBackend(url: string): boolean {
  return !/^https?:\/\//i.test(url);
}

/** The project name from Pulumi.yaml. */
export function projectName(workDir: string): string {
  const text = fs.readFileSync(path.join(workDir, "Pulumi.yaml"), "utf8");
  const m = /^name:\s*["']?([A-Za-z0-9_.-]+)/m.exec(text);
  if (!m) throw new ReviewError(`${path.join(workDir, "Pulumi.yaml")}: no project name`);
  return m[1];
}

/**
 * A LocalWorkspace on the project, after `pulumi whoami` proved the backend
 * is reachable and logged in (EnvironmentError otherwise; nothing created).
 */
export async function openWorkspace(opts: { workDir?: string; cmd?: PulumiCommand; secretsProvider?: string } = {}): Promise<ReviewWorkspace> {
  const workDir = opts.workDir ?? PROJECT_ROOT;
  const cmd = opts.cmd ?? (await getPulumiCommand());
  const ws = await LocalWorkspace.create({
    workDir,
    pulumiCommand: cmd,
    envVars: { PULUMI_SKIP_UPDATE_CHECK: "true" },
    ...(opts.secretsProvider ? { secretsProvider: opts.secretsProvider } : {}),
  });
  let who: { user: string; url?: string };
  try {
    who = await ws.whoAmI();
  } catch (err) {
    throw new EnvironmentError("The Pulumi backend is not logged in (`pulumi whoami` failed); nothing was created.", [
      cliMessage(err),
      "set PULUMI_BACKEND_URL (e.g. file:///var/lib/polystore-review or s3://bucket/prefix) or PULUMI_ACCESS_TOKEN, or run `pulumi login`",
    ]);
  }
  const backendUrl = who.url ?? "";
  return { ws, cmd, workDir, project: projectName(workDir), backendUrl, user: who.user, diy: isDiyBackend(backendUrl) };
}

/** On a self-managed backend, stack secrets need PULUMI_CONFIG_PASSPHRASE (or _FILE): checked before anything is created. */
export function requirePassphrase(rw: Pick<ReviewWorkspace, "diy" | "backendUrl">, env: NodeJS.ProcessEnv = process.env): void {
  if (!rw.diy) return;
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined || env.PULUMI_CONFIG_PASSPHRASE_FILE) return;
  throw new EnvironmentError(`The backend ${rw.backendUrl} uses the passphrase secrets provider, but no passphrase is set; nothing was created.`, [
    "set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) to the review stacks' passphrase",
  ]);
}

/**
 * Decrypts a template's `secure:` values with the template's own secrets
 * provider (its `encryptionsalt` and the passphrase, or its KMS key): a
 * scratch stack in a throw-away file:// backend in a temp folder reads the
 * template with `pulumi config --show-secrets --json`. Nothing is created in
 * the real backend.
 */
export async function decryptTemplate(tpl: TemplateFile, rw: Pick<ReviewWorkspace, "cmd" | "project">): Promise<Record<string, ConfigEntry>> {
  if (!tpl.hasEncryptionState) {
    throw new EnvironmentError(`Template stack file ${tpl.path} has secure values but no encryptionsalt or encryptedkey.`, [
      "its secrets were encrypted by another stack's Pulumi Cloud key and cannot be read here",
      "re-create them with the passphrase provider (`pulumi stack init <scratch> --secrets-provider passphrase`, `pulumi config set --secret ...`) or use {{env:NAME}} placeholders",
    ]);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "polystore-review-template-"));
  try {
    fs.mkdirSync(path.join(dir, "state"));
    fs.mkdirSync(path.join(dir, "home"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${rw.project}\nruntime: nodejs\n`);
    fs.writeFileSync(path.join(dir, "Pulumi.template.yaml"), tpl.text);
    const scratch = await LocalWorkspace.create({
      workDir: dir,
      // Its own PULUMI_HOME, so no workspace selection is left behind; config commands need no plugins.
      pulumiHome: path.join(dir, "home"),
      pulumiCommand: rw.cmd,
      envVars: { PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`, PULUMI_SKIP_UPDATE_CHECK: "true" },
      secretsProvider: tpl.secretsProvider ?? "passphrase",
    });
    try {
      await scratch.createStack("template");
      const all = (await scratch.getAllConfig("template")) as Record<string, { value?: string; objectValue?: unknown; secret?: boolean }>;
      return entriesFromDecrypted(tpl.config, all);
    } catch (err) {
      throw new EnvironmentError(`The secure values of template stack file ${tpl.path} cannot be decrypted; nothing was created.`, [
        cliMessage(err),
        "check PULUMI_CONFIG_PASSPHRASE: it must be the passphrase the template's secrets were encrypted with",
      ]);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether an error means the stack does not exist. */
export function isStackNotFound(err: unknown): boolean {
  return err instanceof StackNotFoundError || /no stack named .* found/i.test(cliMessage(err));
}

/** The flat `key → value` config recorded in the local stack file, if there is one. */
export async function stackFileConfig(ws: LocalWorkspace, stack: string): Promise<Record<string, string> | undefined> {
  try {
    const settings = await ws.stackSettings(stack);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(settings.config ?? {})) if (typeof v === "string") out[k] = v;
    return out;
  } catch {
    return undefined;
  }
}

/** The flat config the stack's last update ran with (works from a fresh checkout: the backend keeps it). */
export function plainConfig(config: ConfigMap | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config ?? {})) if (!v.secret && typeof v.value === "string") out[k] = v.value;
  return out;
}

/** The path of a stack's config file in the project. */
export function stackFilePath(workDir: string, stack: string): string {
  return path.join(workDir, `Pulumi.${stack.split("/").pop()}.yaml`);
}

/**
 * Runs `fn` and then re-selects the stack that was selected before (the
 * Automation API selects the stacks it works on; a developer's `pulumi up`
 * must not land on a review stack afterwards).
 */
export async function preservingSelection<T>(rw: ReviewWorkspace, fn: () => Promise<T>): Promise<T> {
  const before = await rw.ws.stack().catch(() => undefined);
  try {
    return await fn();
  } finally {
    if (before) await rw.ws.selectStack(before.name).catch(() => undefined);
  }
}
