export { StoreComponent } from "./stores/component";
export { STORES, storeModule, type StoreModule, type StoreSettingsByKind } from "./stores";
export { StackInfra, dockerTarget, kubernetesTarget, awsTarget, externalTarget, type StoreTarget } from "./targets";
export * from "./core/types";
export type { StoreArgs, StoreOutputs } from "./stores/store";
export type { StoreSpec } from "./core/spec";
