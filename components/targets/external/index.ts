import type { RenderedStore, StoreTarget } from "../../core/target";
import type { ExternalEndpointConfig } from "./schema";

export { externalEndpointSchema, type ExternalEndpointConfig } from "./schema";

/**
 * Target `external`: a store that already exists (ClickHouse Cloud, Neo4j Aura, a shared
 * server...). Nothing is provisioned; init scripts and connection secrets work as for the other
 * targets. The endpoint's identities are handed to the store component (`existing`).
 */
export function renderExternal(endpoint: ExternalEndpointConfig): RenderedStore {
  return { host: endpoint.host, port: endpoint.port, tls: endpoint.tls, ready: [] };
}

/** Target `external`, bound to the store's `external` block. */
export function externalTarget(endpoint: ExternalEndpointConfig): StoreTarget {
  return { target: "external", render: () => renderExternal(endpoint) };
}
