import * as pulumi from "@pulumi/pulumi";

/**
 * The parent of what a stack shares between its stores on one target (a Docker network, a
 * Kubernetes namespace and provider) or between sinks (the env file, the connections Secret).
 * Every resource then has a parent; those that had none before are given an alias to their old
 * place at the stack's root ({@link rootAlias}), so existing stacks update in place.
 */
export class SharedResources extends pulumi.ComponentResource {
  constructor(type: string, name: string, opts?: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
    this.registerOutputs({});
  }
}

/**
 * The URN a resource had when it sat at the stack's root (no parent): an alias that keeps a
 * resource whose parent changed from being replaced. Data volumes and databases must never be.
 */
export function rootAlias(name: string, type: string): pulumi.Input<string> {
  return pulumi.createUrn(name, type);
}
