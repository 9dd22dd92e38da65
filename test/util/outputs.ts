import * as pulumi from "@pulumi/pulumi";

/** Resolves an Output (or plain value) to its value in tests. */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise<T>((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}

/** Whether an Output is marked secret. */
export async function isSecretOutput(output: pulumi.Output<unknown>): Promise<boolean> {
  return (await (output as unknown as { isSecret: Promise<boolean> }).isSecret) === true;
}

/** Resolves every value in a record of Outputs. */
export async function valuesOf<T extends Record<string, pulumi.Input<unknown>>>(
  outputs: T,
): Promise<{ [K in keyof T]: T[K] extends pulumi.Input<infer V> ? V : never }> {
  const entries = await Promise.all(Object.entries(outputs).map(async ([k, v]) => [k, await valueOf(v)] as const));
  return Object.fromEntries(entries) as never;
}
