import { installEchoMocks, type RegisterRequest } from "../../policies/offline/mocks";

/** A resource the mocks saw registered. */
export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** URNs of the resources it depends on (`dependsOn` and inputs' resources), as sent to the engine. */
  dependencies?: string[];
  /** The resource options the program sent to the engine with this registration. */
  options: RegisteredOptions;
}

/**
 * Resource options as the engine receives them (Pulumi's mocks do not pass them to
 * `newResource`, so they are read from the registration request itself).
 */
export interface RegisteredOptions {
  protect: boolean;
  retainOnDelete: boolean;
  deleteBeforeReplace: boolean;
  /** URN of the parent ("" for the stack itself). */
  parent: string;
  /** Provider reference ("urn::id"), "" for the default provider. */
  provider: string;
  /** Aliases as sent (URN strings or alias specs). */
  aliases: unknown[];
  ignoreChanges: string[];
  replaceOnChanges: string[];
  additionalSecretOutputs: string[];
}

function optionsOf(req: RegisterRequest): RegisteredOptions {
  return {
    protect: req.getProtect(),
    retainOnDelete: req.getRetainondelete(),
    deleteBeforeReplace: req.getDeletebeforereplace(),
    parent: req.getParent(),
    provider: req.getProvider(),
    aliases: req.getAliasesList().map((a) => a.toObject()),
    ignoreChanges: req.getIgnorechangesList(),
    replaceOnChanges: req.getReplaceonchangesList(),
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
  };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as {
  // Test-only: the SDK's own RPC queue (no public API tells when it has drained).
  waitForRPCs(): Promise<void>;
};

/**
 * Resolves when every registration the program started has reached the mocks (Pulumi's
 * own RPC queue has drained), instead of sleeping and hoping.
 */
export function settled(): Promise<void> {
  return settings.waitForRPCs();
}

/**
 * Installs Pulumi mocks that echo inputs as outputs (plus the few computed
 * outputs programs read: the policy check's mocks, policies/offline/mocks.ts)
 * and records every registered resource.
 */
export function installMocks(stack = "dev", project = "polystore"): Registered[] {
  const registered: Registered[] = [];
  installEchoMocks(stack, project, {
    // Each registration's dependencies and options (the mocks' newResource receives neither).
    resource(args, req) {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs, dependencies: req.getDependenciesList(), options: optionsOf(req) });
    },
  });
  return registered;
}

/** Pulumi's marker of a secret value inside mocked resource inputs. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";

/** Whether a mocked resource input is (or contains) a Pulumi secret. */
export function isSecretInput(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if ((value as Record<string, unknown>)[SECRET_SIG_KEY] !== undefined) return true;
  return Object.values(value as Record<string, unknown>).some(isSecretInput);
}

/** A mocked resource input with every secret wrapper replaced by its value. */
export function plainInput<T = unknown>(value: unknown): T {
  if (value === null || typeof value !== "object") return value as T;
  if (Array.isArray(value)) return value.map((v) => plainInput(v)) as T;
  const o = value as Record<string, unknown>;
  if (o[SECRET_SIG_KEY] !== undefined) return plainInput(o.value);
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, plainInput(v)])) as T;
}

/** Config as Pulumi passes it to a program (`polystore:key` → string/JSON). */
export function configFromYaml(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) out[k] = typeof v === "string" ? v : JSON.stringify(v);
  return out;
}
