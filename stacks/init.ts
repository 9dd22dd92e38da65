import type { InitHook } from "../components/shared/store";

/** Runs each store's init scripts through Pulumi once the store is ready. */
export const initHook: InitHook | undefined = undefined;
