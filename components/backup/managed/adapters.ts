/** The adapter of each managed service, and the default dependencies (real SigV4 HTTP). */
import type { ManagedService } from "../../core/managed";
import { docdbAdapter } from "./docdb";
import { elasticacheAdapter } from "./elasticache";
import { memorydbAdapter } from "./memorydb";
import { opensearchAdapter } from "./opensearch";
import { rdsAdapter } from "./rds";
import { openSearchHttp } from "./signer";
import type { AdapterDeps, ManagedAdapter } from "./types";

export const MANAGED_ADAPTERS: Record<ManagedService, ManagedAdapter> = {
  rds: rdsAdapter,
  docdb: docdbAdapter,
  elasticache: elasticacheAdapter,
  memorydb: memorydbAdapter,
  opensearch: opensearchAdapter,
};

/** HTTPS to the domain endpoint, signed with the SDK's default credentials. */
export const defaultAdapterDeps: AdapterDeps = {
  openSearchHttp: (t) => openSearchHttp({ region: t.fact.region, hostname: t.host }),
};
