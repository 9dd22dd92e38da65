import { z } from "zod";
import { commonStoreKeys, identifier, port } from "../schema";

/** Elasticsearch's pinned image (the latest patch of its line). */
export const ELASTICSEARCH_IMAGE = "docker.elastic.co/elasticsearch/elasticsearch:8.14.3";
/** Default container memory limit in MB (see StoreModule.memoryMb). */
export const ELASTICSEARCH_MEMORY_MB = 896;

/** `polystore:stores.elasticsearch`. */
export const elasticsearchSchema = z.strictObject({
  ...commonStoreKeys(ELASTICSEARCH_IMAGE),
  /** JVM heap in MB (-Xms/-Xmx). Default 320. */
  heapMb: z.number().int().min(128).default(320),
  /** Index (alias) prefix applications use. Default `articles`. */
  indexPrefix: identifier.default("articles"),
  /** Application user limited to the application's indices. Default `app`. */
  appUser: identifier.default("app"),
  /** Host port on Docker. Default 9200. */
  port: port.default(9200),
});

export type ElasticsearchSettings = z.output<typeof elasticsearchSchema>;
