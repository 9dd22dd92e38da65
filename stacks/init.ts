import { createInitScripts } from "../components/init/resource";
import type { InitHook } from "../components/stores/store";

/** Runs each store's init scripts through Pulumi as soon as that store is ready. */
export const initHook: InitHook = (name, args, parent) => createInitScripts(name, args, parent);
