import { isIP } from "node:net";
import { z } from "zod";

/**
 * Value formats the clouds, registries and daemons define: image references
 * (distribution/reference grammar), IP addresses and CIDR blocks, Docker
 * daemon URLs, Kubernetes (RFC 1123) names and AWS tag and secret-name
 * limits. Each `…Problem` function returns what is wrong, or undefined.
 */

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d{1,5})?$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/**
 * What is wrong with an image reference (`[registry/]repository[:tag][@sha256:<64 hex>]`),
 * per the distribution/reference grammar Docker and containerd use: the first
 * component is a registry only when it holds `.` or `:` or is `localhost`.
 */
export function imageReferenceProblem(ref: string): string | undefined {
  const at = ref.indexOf("@");
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const named = at >= 0 ? ref.slice(0, at) : ref;
  if (digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(digest)) return "the digest must be sha256: followed by 64 lower-case hex digits";
  const slash = named.lastIndexOf("/");
  const colon = named.lastIndexOf(":");
  const tag = colon > slash ? named.slice(colon + 1) : undefined;
  const name = tag !== undefined ? named.slice(0, colon) : named;
  if (tag !== undefined && !TAG.test(tag)) return "the tag must be letters, digits, _, . and - (at most 128, not starting with . or -)";
  const parts = name.split("/");
  const first = parts[0] ?? "";
  const hasDomain = parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost");
  if (hasDomain && !DOMAIN.test(first)) return `"${first}" is not a registry host name`;
  const repo = hasDomain ? parts.slice(1) : parts;
  if (repo.some((p) => !PATH_COMPONENT.test(p))) {
    return /[A-Z]/.test(repo.join("/"))
      ? "the repository must be lower-case"
      : "each repository path component must be lower-case letters and digits separated by ., _, __ or -";
  }
  if (name.length > 255) return "the name must be at most 255 characters";
  return undefined;
}

/** An image reference that is valid and pinned to an exact tag or digest (never `latest`, never untagged). */
export function pinnedImage(example: string) {
  return z.string().superRefine((s, ctx) => {
    const problem = imageReferenceProblem(s);
    if (problem) ctx.addIssue({ code: "custom", message: `not a valid image reference: ${problem} (e.g. ${example})` });
    else if (!(/@sha256:[0-9a-f]{64}$/.test(s) || (/:[^/:@]+$/.test(s) && !/:latest$/.test(s))))
      ctx.addIssue({ code: "custom", message: `expected an image pinned to an exact tag or digest (e.g. ${example}), not \`latest\` or untagged` });
  });
}

/** An IPv4 (each octet at most 255) or IPv6 address. */
export const ipAddress = z.string().refine((s) => isIP(s) !== 0, "expected an IPv4 or IPv6 address such as 127.0.0.1 or ::1");

/** What is wrong with a CIDR block (IPv4 /0–32 or IPv6 /0–128), or undefined. */
export function cidrProblem(s: string): string | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s);
  const family = m ? isIP(m[1]!) : 0;
  if (!m || family === 0) return "expected a CIDR block: an IPv4 or IPv6 address, / and a prefix length, e.g. 10.0.0.0/16 or 2001:db8::/32";
  const max = family === 4 ? 32 : 128;
  if (Number(m[2]) > max) return `the prefix length of an IPv${family} block is 0 to ${max}, got /${m[2]}`;
  return undefined;
}
export const cidr = z.string().superRefine((s, ctx) => {
  const problem = cidrProblem(s);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** The Docker daemon address forms the Docker CLI accepts in DOCKER_HOST. */
export const dockerHost = z
  .string()
  .regex(
    /^(unix:\/\/\/\S+|npipe:\/\/\/\/\S+|tcp:\/\/[A-Za-z0-9.-]+(:\d{1,5})?\/?|tcp:\/\/\[[0-9A-Fa-f:.]+\](:\d{1,5})?\/?|ssh:\/\/([A-Za-z0-9._-]+@)?[A-Za-z0-9.-]+(:\d{1,5})?\/?)$/,
    "expected a Docker daemon URL: unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host or npipe:////./pipe/docker_engine",
  );

/** A Kubernetes object name that must be an RFC 1123 DNS subdomain (Secrets, ConfigMaps). */
export const kubernetesSubdomain = z
  .string()
  .max(253)
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    "expected an RFC 1123 name: lower-case letters, digits, - and ., starting and ending with a letter or digit",
  );

/** AWS tags: keys 1–128 characters not starting with `aws:` (reserved), values at most 256 characters. */
export const awsTagKey = z
  .string()
  .min(1)
  .max(128)
  .refine((k) => !/^aws:/i.test(k), "expected a tag key not starting with `aws:` (reserved by AWS)");
export const awsTagValue = z.string().max(256);

/** A Secrets Manager name prefix: the characters AWS allows in secret names (letters, digits, /_+=.@-). */
export const secretsManagerPrefix = z
  .string()
  .min(1)
  .max(400)
  .regex(/^[A-Za-z0-9/_+=.@-]+$/, "expected only letters, digits and /_+=.@- (the characters AWS Secrets Manager allows in secret names)");
