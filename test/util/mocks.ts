import * as pulumi from "@pulumi/pulumi";

/** A resource the mocks saw registered. */
export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/**
 * Installs Pulumi mocks that echo inputs as outputs (plus the few computed
 * outputs programs read) and records every registered resource.
 */
export function installMocks(stack = "dev", project = "polystore"): Registered[] {
  const registered: Registered[] = [];
  pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === "random:index/randomPassword:RandomPassword") state.result = `mock-${args.name}-pw`;
        if (args.type === "docker:index/remoteImage:RemoteImage") state.imageId = `sha256:${args.name}`;
        if (args.type.startsWith("aws:")) state.arn = `arn:aws:mock:::${args.name}`;
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        return args.inputs;
      },
    },
    project,
    stack,
    false,
  );
  return registered;
}

/** Config as Pulumi passes it to a program (`polystore:key` → string/JSON). */
export function configFromYaml(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) out[k] = typeof v === "string" ? v : JSON.stringify(v);
  return out;
}
