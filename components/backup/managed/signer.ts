/**
 * HTTP to an OpenSearch Service domain, signed with AWS Signature Version 4 (service `es`) by the
 * AWS SDK's own signer (@smithy/signature-v4 with @aws-crypto/sha256-js), credentials from the
 * SDK's default chain (environment, profile, SSO, instance/container role). AWS requires the
 * snapshot-repository registration to be signed by a principal allowed to iam:PassRole the
 * snapshot role ("Registering a manual snapshot repository", OpenSearch Service developer guide).
 *
 * Two layers, so a test can check the exact signed request without a network: {@link signRequest}
 * builds and signs; a {@link HttpSend} sends (default: node's https, 60 s timeout).
 */
import { request as httpsRequest } from "node:https";
import { Sha256 } from "@aws-crypto/sha256-js";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { SignatureV4 } from "@smithy/signature-v4";

/** AWS credentials (never printed). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** A request ready to send: what the signer produced. */
export interface SignedRequest {
  method: string;
  hostname: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: string;
}

/** Sends a signed request; resolves with the status and body text. */
export type HttpSend = (req: SignedRequest) => Promise<{ status: number; body: string }>;

/** One call to a domain: method, path (`/_snapshot/...`), query and JSON body. */
export type OpenSearchHttp = (method: "GET" | "PUT" | "POST" | "DELETE", path: string, body?: unknown, query?: Record<string, string>) => Promise<{ status: number; json: any }>;

/** Signs `method path` with `body` for the domain at `hostname` in `region` (service `es`). */
export async function signRequest(o: {
  region: string;
  hostname: string;
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  credentials: AwsCredentials | (() => Promise<AwsCredentials>);
  /** Signing time (tests); default now. */
  date?: Date;
}): Promise<SignedRequest> {
  const body = o.body === undefined ? undefined : JSON.stringify(o.body);
  const signer = new SignatureV4({ service: "es", region: o.region, credentials: o.credentials, sha256: Sha256 });
  const unsigned = {
    method: o.method,
    protocol: "https:",
    hostname: o.hostname,
    path: o.path,
    query: o.query ?? {},
    headers: { host: o.hostname, ...(body !== undefined ? { "content-type": "application/json" } : {}) } as Record<string, string>,
    body,
  };
  const signed = await signer.sign(unsigned, o.date ? { signingDate: o.date } : undefined);
  return { method: signed.method, hostname: o.hostname, path: signed.path, query: (signed.query ?? {}) as Record<string, string>, headers: signed.headers, body };
}

/** Sends over https (60 s timeout). */
export const httpsSend: HttpSend = (req) =>
  new Promise((resolve, reject) => {
    const qs = new URLSearchParams(req.query).toString();
    const r = httpsRequest(
      { method: req.method, hostname: req.hostname, path: `${req.path}${qs ? `?${qs}` : ""}`, headers: req.headers, timeout: 60_000 },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    r.on("timeout", () => r.destroy(new Error(`no answer from ${req.hostname} in 60 s`)));
    r.on("error", reject);
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });

/**
 * Signed JSON HTTP to one domain. `send` and `credentials` are injectable (tests); the defaults
 * are https and the SDK's default credential chain.
 */
export function openSearchHttp(o: { region: string; hostname: string; send?: HttpSend; credentials?: AwsCredentials | (() => Promise<AwsCredentials>); date?: () => Date }): OpenSearchHttp {
  const credentials = o.credentials ?? defaultProvider();
  const send = o.send ?? httpsSend;
  return async (method, path, body, query) => {
    const req = await signRequest({ region: o.region, hostname: o.hostname, method, path, query, body, credentials, date: o.date?.() });
    const res = await send(req);
    let json: any;
    try {
      json = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      json = { raw: res.body.slice(0, 300) };
    }
    return { status: res.status, json };
  };
}

/** The reason an OpenSearch answer gives, in one line. */
export function openSearchReason(json: any): string {
  const e = json?.error;
  if (typeof e === "string") return e;
  return e?.reason ?? e?.root_cause?.[0]?.reason ?? json?.message ?? json?.Message ?? JSON.stringify(json ?? {}).slice(0, 200);
}
