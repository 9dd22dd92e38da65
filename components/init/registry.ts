/**
 * The init-script adapters, by store kind, loaded on demand: importing this module (or
 * components/init) loads no database driver. A store's adapter module, and so its driver
 * (pg, ioredis, mongodb, ...), is loaded the first time {@link loadAdapter} or
 * {@link createAdapter} is called for that kind, so a CLI loads only the drivers of the
 * stores it touches and the stack program and the policy check load none.
 *
 * Each store names its adapter in its own module (components/stores/<store>/index.ts, `init`).
 */
import { STORE_KINDS, type StoreConnection, type StoreKind } from "../core/types";
import { STORES } from "../stores";
import type { AdapterFactory, StoreAdapter } from "./adapter";

/** One registered adapter: what is known without loading it, and how to load it. */
export interface AdapterEntry {
  /** Script extensions, e.g. `[".sql"]` (the adapter's `extensions`). */
  readonly extensions: readonly string[];
  /** Imports the adapter module (and its driver) and returns its factory. */
  load(): Promise<AdapterFactory>;
}

/** Script extensions each store's adapter accepts, with the dot (each store module's `init.extensions`). */
export const SCRIPT_EXTENSIONS = Object.fromEntries(STORE_KINDS.map((k) => [k, STORES[k].init.extensions])) as Record<StoreKind, readonly string[]>;

/** Every store's adapter, from its module (components/stores/<store>/index.ts `init`). */
export const ADAPTER_REGISTRY: Partial<Record<StoreKind, AdapterEntry>> = Object.fromEntries(
  STORE_KINDS.map((k) => [k, { extensions: STORES[k].init.extensions, load: () => STORES[k].init.adapter() }]),
);

function entryOf(kind: StoreKind): AdapterEntry {
  const entry = ADAPTER_REGISTRY[kind];
  if (!entry) throw new Error(`no init-script adapter for store kind "${kind}" (known: ${Object.keys(ADAPTER_REGISTRY).join(", ")})`);
  return entry;
}

/** The script extensions of `kind`'s adapter, without loading it; throws naming the kind when none is registered. */
export function scriptExtensions(kind: StoreKind): readonly string[] {
  return entryOf(kind).extensions;
}

/** Loads `kind`'s adapter (and its driver); throws naming the kind when none is registered. */
export function loadAdapter(kind: StoreKind): Promise<AdapterFactory> {
  try {
    return entryOf(kind).load();
  } catch (err) {
    return Promise.reject(err);
  }
}

/** The adapter for `conn.kind`, loaded on first use; rejects naming the kind when none is registered. */
export async function createAdapter(conn: StoreConnection): Promise<StoreAdapter> {
  return (await loadAdapter(conn.kind))(conn);
}
