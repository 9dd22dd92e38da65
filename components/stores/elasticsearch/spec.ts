import { ELASTICSEARCH_IMAGE, ELASTICSEARCH_MEMORY_MB, type ElasticsearchSettings } from "./schema";
import type { SpecSecrets, StoreSpec } from "../../core/spec";

/** Elasticsearch 8, single node, security on (the `elastic` user is the init runner's). */
export function elasticsearchSpec(cfg: ElasticsearchSettings, secrets: SpecSecrets): StoreSpec {
  return {
    kind: "elasticsearch",
    image: cfg.image ?? ELASTICSEARCH_IMAGE,
    env: {
      "discovery.type": "single-node",
      "xpack.security.enabled": "true",
      // TLS on the HTTP layer is the managed service's job (OpenSearch Service enforces HTTPS);
      // locally the port is bound to loopback only.
      "xpack.security.http.ssl.enabled": "false",
      "xpack.security.transport.ssl.enabled": "false",
      "action.destructive_requires_name": "true",
      "cluster.routing.allocation.disk.threshold_enabled": "false",
      ES_JAVA_OPTS: `-Xms${cfg.heapMb}m -Xmx${cfg.heapMb}m`,
    },
    secretEnv: { ELASTIC_PASSWORD: secrets.adminPassword },
    ports: [{ name: "client", containerPort: 9200, hostPort: cfg.port }],
    healthcheck: {
      shell:
        'curl -fsS -u "elastic:$ELASTIC_PASSWORD" "http://127.0.0.1:9200/_cluster/health?wait_for_status=yellow&timeout=5s" | grep -qE \'"status":"(green|yellow)"\'',
      intervalSeconds: 10,
      timeoutSeconds: 10,
      retries: 30,
      startPeriodSeconds: 30,
    },
    dataPath: "/usr/share/elasticsearch/data",
    memoryMb: cfg.memoryMb ?? ELASTICSEARCH_MEMORY_MB,
    settings: { heap: `${cfg.heapMb}m`, security: true, indexPrefix: cfg.indexPrefix, appUser: cfg.appUser },
  };
}
