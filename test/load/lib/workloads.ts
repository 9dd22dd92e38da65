/** The load suite's workload per store (used by test/load/*.test.ts and `npm run bench`'s load part). */
import type { StoreKind } from "../../../components/core/types";
import { clickhouseLoad } from "./clickhouse";
import { elasticsearchLoad } from "./elasticsearch";
import { mongodbLoad } from "./mongodb";
import { neo4jLoad } from "./neo4j";
import { postgresLoad } from "./postgres";
import { redisLoad } from "./redis";
import type { LoadTarget, WorkloadResult } from "./support";

export const WORKLOADS: Record<StoreKind, (t: LoadTarget) => Promise<WorkloadResult>> = {
  postgres: postgresLoad,
  redis: redisLoad,
  mongodb: mongodbLoad,
  elasticsearch: elasticsearchLoad,
  clickhouse: clickhouseLoad,
  neo4j: neo4jLoad,
};
