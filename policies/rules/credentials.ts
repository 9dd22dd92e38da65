/**
 * `no-plaintext-credentials`: credentials never sit in plain text in resource
 * inputs/outputs, on command lines, in pod-spec env literals or ConfigMaps,
 * or in the stack's outputs.
 *
 * What a policy can see: the analyzer unwraps Pulumi secrets before calling a
 * policy, so `props` hold the plain values with no secret marker. The engine-
 * visible evidence that a value is kept secret is therefore
 *   - `opts.additionalSecretOutputs` listing the property (provider SDKs add
 *     their schema-secret properties there: rds `password`, elasticache
 *     `authToken`, k8s Secret `data`, random `result`…), or
 *   - the property depending on a generated secret (a `secretSources` type
 *     such as random.RandomPassword) — values derived from a secret output are
 *     secret.
 * The offline check (policies/check.ts) additionally knows which values WERE
 * Pulumi secrets and passes them as `secretPaths`; when present, a value must
 * also really be secret. Outputs of our own components and of the stack carry
 * no engine-visible evidence, so only the offline check can verify them.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { byUrn, known, label, list, must, settings, type Props } from "./util";

/** Key names that hold credentials (matched on the lower-cased, alphanumeric-only key, as a suffix). */
const CREDENTIAL_KEY = /(password|passwd|passphrase|secret|secretstring|secretkey|secretaccesskey|authtoken|apitoken|accesstoken|token|apikey|privatekey|credential|credentials)$/;
/** Environment variable names that hold credentials. */
const CREDENTIAL_ENV = /(PASSWORD|PASSWD)$|(^|_)(PASS|PWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|AUTH|CREDENTIALS?)$/i;
/** `scheme://user:password@host`. */
const URL_WITH_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/([^\s:@/"'$]+):([^\s@/"']+)@/gi;
/** Command-line flags whose value is a credential (a following `--flag` is not a value: `mongod --auth --bind_ip_all`). */
const ARGV_FLAG = /--(requirepass|masterauth|password|pass|auth|token|api-key|apikey)(?:\s+|=)(?:"([^"]*)"|'([^']*)'|([^\s"'-][^\s"']*))/g;
/** `NAME=value` assignments (.env lines, `KEY=value` argv tokens, `VAR="$X" cmd` prefixes); the value is one token. */
const ASSIGNMENT = /(?:^|\s)(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s"']+)/gm;

/** Whether a credential-looking string is a reference rather than a value (`$VAR`, `${VAR}`, `${VAR#prefix}`, an ARN, `***`). */
export function isReference(v: string): boolean {
  const s = v.trim().replace(/^["']|["']$/g, "");
  return s === "" || /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(s) || /^\$\{[A-Za-z_][A-Za-z0-9_]*(?:#|##|%|%%|:-|:=|:\+)[^}]*\}$/.test(s) || /^\$\(.*\)$/.test(s) || s.startsWith("arn:") || /^\*+$/.test(s) || /^\{\{resolve:/.test(s);
}

export function isCredentialKey(key: string): boolean {
  return CREDENTIAL_KEY.test(key.toLowerCase().replace(/[^a-z0-9]/g, ""));
}

export function isCredentialEnv(name: string): boolean {
  return CREDENTIAL_ENV.test(name);
}

/** How a credential was found: `always` kinds are violations whatever their secretness. */
export type FindingKind = "key" | "env" | "url" | "dotenv" | "argv" | "pod-env" | "configmap";
const ALWAYS: FindingKind[] = ["argv", "pod-env", "configmap"];

export interface Finding {
  kind: FindingKind;
  /** JSON path of the value, e.g. `envs[2]`, `connection.admin.password`. */
  path: string;
  /** What was found, without the value, e.g. `POSTGRES_PASSWORD`, `password`, `URL with a password`. */
  what: string;
}

/** Credentials inside one string (URLs with passwords, `NAME=value` assignments with credential names). */
function scanString(s: string, path: string, kind: "url" | "dotenv" | "argv", out: Finding[]): void {
  for (const m of s.matchAll(URL_WITH_PASSWORD)) {
    if (!isReference(m[2])) out.push({ kind: kind === "argv" ? "argv" : "url", path, what: `URL with a password (user ${m[1]})` });
  }
  for (const m of s.matchAll(ASSIGNMENT)) {
    if (isCredentialEnv(m[1]) && !isReference(m[2])) out.push({ kind: kind === "argv" ? "argv" : "dotenv", path, what: m[1] });
  }
  if (kind === "argv") {
    for (const m of s.matchAll(ARGV_FLAG)) {
      const v = m[2] ?? m[3] ?? m[4] ?? "";
      if (!isReference(v)) out.push({ kind: "argv", path, what: `--${m[1]}` });
    }
  }
}

const ARGV_KEYS = new Set(["command", "args", "entrypoints", "entrypoint", "tests"]);

/** Every credential in a resource's props. */
export function findCredentials(type: string, props: Props): Finding[] {
  const out: Finding[] = [];
  const configMap = type === "kubernetes:core/v1:ConfigMap";
  const walk = (v: unknown, path: string, key: string, argv: boolean): void => {
    v = known(() => v);
    if (typeof v === "string") {
      if (argv) return scanString(v, path, "argv", out);
      if (isCredentialKey(key) && !isReference(v)) out.push({ kind: configMap ? "configmap" : "key", path, what: key });
      const before = out.length;
      scanString(v, path, "dotenv", out);
      if (configMap) for (const f of out.slice(before)) f.kind = "configmap";
      return;
    }
    if (Array.isArray(v)) {
      // A command line: flags and their values are separate elements, so scan it joined.
      if ((argv || ARGV_KEYS.has(key)) && v.every((e) => typeof e === "string")) return scanString(v.join(" "), path, "argv", out);
      v.forEach((e, i) => {
        const p = `${path}[${i}]`;
        const item = known(() => e);
        if (key === "envs" && typeof item === "string") {
          const eq = item.indexOf("=");
          const name = eq > 0 ? item.slice(0, eq) : "";
          const value = eq > 0 ? item.slice(eq + 1) : "";
          if (isCredentialEnv(name) && !isReference(value)) out.push({ kind: "env", path: p, what: name });
          else scanString(value, p, "url", out);
          return;
        }
        if (key === "env" && item && typeof item === "object" && typeof (item as Props).name === "string") {
          const { name } = item as Props;
          const value = known(() => (item as Props).value);
          if (typeof value === "string" && value !== "") {
            if (isCredentialEnv(name) && !isReference(value)) out.push({ kind: "pod-env", path: p, what: name });
            else for (const m of value.matchAll(URL_WITH_PASSWORD)) if (!isReference(m[2])) out.push({ kind: "pod-env", path: p, what: `${name} (URL with a password)` });
          }
          return;
        }
        walk(e, p, key, argv || ARGV_KEYS.has(key));
      });
      return;
    }
    if (v && typeof v === "object") {
      for (const [k, child] of Object.entries(v as Props)) {
        if (k.startsWith("__")) continue;
        walk(child, path ? `${path}.${k}` : k, k, argv);
      }
    }
  };
  walk(props, "", "", false);
  return out;
}

/** Offline extension: props paths that were Pulumi secrets (absent when the real engine runs the policy). */
export function secretPathsOf(r: object): string[] | undefined {
  const p = (r as { secretPaths?: unknown }).secretPaths;
  return Array.isArray(p) ? (p as string[]) : undefined;
}

/** Whether `path` or one of its ancestors is in `secret`. */
export function coveredBySecret(secret: string[], path: string): boolean {
  return secret.some((s) => path === s || path.startsWith(`${s}.`) || path.startsWith(`${s}[`));
}

interface Config {
  secretSources: string[];
  trustedComponentPackages: string[];
}
export const CREDENTIAL_DEFAULTS: Config = {
  secretSources: [
    "random:index/randomPassword:RandomPassword",
    "aws:secretsmanager/secretVersion:SecretVersion",
    "kubernetes:core/v1:Secret",
    "tls:index/privateKey:PrivateKey",
  ],
  trustedComponentPackages: ["polystore", "pulumi:pulumi:Stack"],
};

const topOf = (path: string) => path.split(/[.[]/)[0];

function fixFor(kind: FindingKind, top: string, r: PolicyResource): string {
  switch (kind) {
    case "argv":
      return "pass it through an environment variable or a secret file, never on the command line";
    case "pod-env":
      return "use env[].valueFrom.secretKeyRef pointing at a Kubernetes Secret";
    case "configmap":
      return "move it to a Kubernetes Secret";
    default:
      return r.type === "pulumi:pulumi:Stack"
        ? `export it wrapped in pulumi.secret()`
        : `derive it from a generated secret (random.RandomPassword) or wrap it in pulumi.secret(), and list "${top}" in the resource's additionalSecretOutputs`;
  }
}

/** Credentials never appear as plain text in resource inputs/outputs or stack outputs. */
export const noPlaintextCredentials: StackValidationPolicy = {
  name: "no-plaintext-credentials",
  description: "Credentials must never be plain-text resource inputs or outputs, command-line arguments, pod-spec env literals, ConfigMap data or stack outputs.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: {
    properties: {
      secretSources: { type: "array", items: { type: "string" }, default: CREDENTIAL_DEFAULTS.secretSources, description: "Resource types whose outputs are generated secrets: a property depending on one is secret." },
      trustedComponentPackages: { type: "array", items: { type: "string" }, default: CREDENTIAL_DEFAULTS.trustedComponentPackages, description: "Component type prefixes whose outputs the engine cannot inspect for secretness (checked offline only)." },
    },
  },
  validateStack: (args, report) => {
    const cfg = settings(args, CREDENTIAL_DEFAULTS);
    const index = byUrn(args.resources);
    for (const r of args.resources) {
      if (r.type.startsWith("pulumi:providers:")) continue;
      const findings = findCredentials(r.type, r.props);
      if (findings.length === 0) continue;
      const secret = secretPathsOf(r);
      const trusted = cfg.trustedComponentPackages.some((p) => r.type === p || r.type.startsWith(`${p}:`));
      const declared = (top: string): boolean =>
        r.opts.additionalSecretOutputs.includes(top) ||
        (r.propertyDependencies?.[top] ?? []).some((d) => cfg.secretSources.includes((index.get(d.urn) ?? d).type));
      const problems = new Map<string, { kind: FindingKind; what: Set<string>; why: string }>();
      for (const f of findings) {
        const top = topOf(f.path);
        let why: string | undefined;
        if (ALWAYS.includes(f.kind)) why = f.kind === "argv" ? "on a command line" : f.kind === "pod-env" ? "as a literal pod-spec env value" : "in a ConfigMap";
        else if (secret && !coveredBySecret(secret, f.path)) why = "not a Pulumi secret (stored unencrypted in the state)";
        else if (!trusted && !declared(top)) why = `not declared secret (no additionalSecretOutputs "${top}", not derived from a generated secret)`;
        if (!why) continue;
        const k = `${top}|${f.kind}|${why}`;
        const entry = problems.get(k) ?? { kind: f.kind, what: new Set<string>(), why };
        entry.what.add(f.what);
        problems.set(k, entry);
      }
      for (const [k, p] of problems) {
        const top = k.split("|")[0];
        const what = [...p.what].slice(0, 4).join(", ") + (p.what.size > 4 ? `, +${p.what.size - 4} more` : "");
        report(must(`${label(r.type, r.name)}: credential in ${top} (${what}) ${p.why}`, fixFor(p.kind, top, r)), r.urn);
      }
    }
  },
};

/** Exposed for tests: the credential scan applied to a list of strings. */
export function scanArgv(argv: string[]): Finding[] {
  return findCredentials("test", { command: list<string>(argv) });
}
