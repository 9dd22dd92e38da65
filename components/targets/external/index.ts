import type { RenderContext, RenderedStore } from "../target";

/**
 * Target `external`: a store that already exists (ClickHouse Cloud, Neo4j
 * Aura, a shared server...). Nothing is provisioned; init scripts and
 * connection secrets work as for the other targets.
 */
export function renderExternal(ctx: RenderContext): RenderedStore {
  const ext = ctx.settings.external;
  if (!ext) throw new Error(`polystore:stores.${ctx.kind}.external: required when the target is external`);
  return { host: ext.host, port: ext.port, tls: ext.tls, ready: [] };
}
