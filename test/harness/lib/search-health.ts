/** Cluster-health probe shared by the Elasticsearch and OpenSearch starters. */
import type { Credentials } from "../../../components/core/types";

/**
 * GET /_cluster/health. Resolves the status when the cluster is yellow or
 * green (and, for Elasticsearch, the response carries the product header its
 * JavaScript client insists on); undefined otherwise.
 */
export async function clusterHealth(host: string, port: number, cred: Credentials | undefined, product: "Elasticsearch" | "OpenSearch"): Promise<string | undefined> {
  const headers: Record<string, string> = {};
  if (cred) headers.authorization = `Basic ${Buffer.from(`${cred.user}:${cred.password}`).toString("base64")}`;
  const res = await fetch(`http://${host}:${port}/_cluster/health`, { headers, signal: AbortSignal.timeout(3000) });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`);
  if (product === "Elasticsearch" && res.headers.get("x-elastic-product") !== "Elasticsearch") {
    throw new Error("response lacks the x-elastic-product: Elasticsearch header");
  }
  const body = (await res.json()) as { status?: string };
  return body.status === "green" || body.status === "yellow" ? body.status : undefined;
}
