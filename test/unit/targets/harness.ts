import { expect } from "vitest";
import { installMocks, plainInput, settled, type Registered } from "../../util/mocks";
import { valueOf } from "../../util/outputs";
import { ConfigError, parseConfig } from "../../../stacks/config";
import { definePolystore, type PolystoreProgram } from "../../../stacks/program";
import type { InitHook } from "../../../components/stores/store";
import type { StoreKind } from "../../../components/core/types";

/** A program evaluated under mocks: what it registered and which stores the local init hook saw. */
export interface Evaluated {
  registered: Registered[];
  program: PolystoreProgram;
  /** Stores whose init scripts `pulumi up` would run from the local machine. */
  localInit: StoreKind[];
}

/** Validates raw `polystore:` config, evaluates the program under mocks and waits for it to settle. */
export async function evaluate(raw: Record<string, unknown>, stack: string): Promise<Evaluated> {
  const registered = installMocks(stack);
  const localInit: StoreKind[] = [];
  const init: InitHook = (_name, args) => {
    localInit.push(args.kind);
    return undefined;
  };
  const program = definePolystore(parseConfig(raw), stack, { init });
  await valueOf(program.outputs.connections);
  await valueOf(program.outputs.connectionSecrets);
  await settled();
  return { registered, program, localInit };
}

/** The one registered resource of a type (suffix after the module) and logical name. */
export function resource(registered: Registered[], type: string, name: string): Registered {
  const found = registered.filter((r) => r.type.endsWith(type) && r.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one ${type} named ${name}, found ${found.length} (have: ${registered.map((r) => `${r.type} ${r.name}`).join("; ")})`);
  }
  return found[0]!;
}

/** Every registered resource of a type. */
export function ofType(registered: Registered[], type: string): Registered[] {
  return registered.filter((r) => r.type.endsWith(type));
}

/** A resource's inputs with secret wrappers removed (for asserting on values). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function inputs(r: Registered): Record<string, any> {
  return plainInput(r.inputs);
}

/** The problems of a config that must be rejected. */
export function problemsOf(raw: Record<string, unknown>): string[] {
  try {
    parseConfig(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error("expected the configuration to be rejected");
}

/** A valid `polystore:aws` block (placeholder ids). */
export const AWS_NETWORK = {
  vpcId: "vpc-0123456789abcdef0",
  subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
  allowedSecurityGroupIds: ["sg-0123456789abcdef0"],
  allowedCidrs: ["10.20.0.0/16"],
};
