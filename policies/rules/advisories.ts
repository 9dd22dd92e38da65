import type { ResourceValidationPolicy } from "@pulumi/policy";
import { eachImage } from "./images";
import { must } from "./util";

/** The lowest release of one image's release line that has the known security fixes, and where that fact comes from. */
export interface ImageAdvisory {
  /** Last path segment of the image repository, e.g. `redis`, `clickhouse-server`. */
  repository: string;
  /** Release line the minimum applies to: the leading version components, e.g. `7.4`, `16`. */
  line: string;
  /** Minimum patched version in that line. */
  minimum: string;
  /** The advisories (CVE ids) or release facts the minimum rests on. */
  source: string;
}

/**
 * Minimum patched versions of the release lines polystore pins (components/stores/<store>/index.ts).
 * Current patch releases: docker-library/official-images `library/<image>` at 37079fb (2026-08-21).
 */
export const IMAGE_ADVISORIES: ImageAdvisory[] = [
  {
    repository: "redis", line: "7.4", minimum: "7.4.6",
    source: "CVE-2025-49844 (Lua use-after-free, remote code execution), CVE-2025-46817, CVE-2025-46818, CVE-2025-46819: fixed in 7.4.6; CVE-2024-46981: fixed in 7.4.2 (github.com/redis/redis/security/advisories)",
  },
  {
    repository: "postgres", line: "16", minimum: "16.10",
    source: "CVE-2025-8713, CVE-2025-8714, CVE-2025-8715: fixed in 16.10 (PostgreSQL security release of 2025-08-14, postgresql.org/support/security)",
  },
  {
    repository: "mongo", line: "7.0", minimum: "7.0.32",
    source: "CVE-2025-14847 (\"MongoBleed\": zlib-compressed messages disclose uninitialised server memory, unauthenticated; CISA KEV): fixed in 7.0.28; CVE-2026-6914 (integer underflow computing the MD5 of a malformed BSON object, authenticated denial of service): 7.0 before 7.0.32 affected (NVD, published 2026-04-29; mongodb.com/alerts)",
  },
  {
    repository: "elasticsearch", line: "8.14", minimum: "8.14.3",
    source: "8.14.3 is the last 8.14 release; Elastic ships later security fixes (discuss.elastic.co/c/announcements/security-announcements) only in maintained minors, so plan the move to one",
  },
  {
    repository: "clickhouse-server", line: "24.8", minimum: "24.8.14.39",
    source: "CVE-2025-1385 (library-bridge code execution, GHSA-5phv-x8x4-83x5): 24.8 backport merged 2025-02-16 (ClickHouse/ClickHouse#76215); 24.8.14.39 is the last 24.8 LTS release",
  },
  {
    repository: "neo4j", line: "5.26", minimum: "5.26.29",
    source: "Neo4j fixes the 5.26 LTS line only in new patch releases (neo4j.com/security); 5.26.29 is the latest 5.26 image",
  },
];

/** `[repository, version]` of an image reference with a numeric version tag, else undefined. */
export function imageVersion(ref: string): [string, string] | undefined {
  const last = ref.split("@")[0]!.split("/").pop() ?? "";
  const m = /^([^:]+):(\d+(?:\.\d+)*)/.exec(last);
  return m ? [m[1]!, m[2]!] : undefined;
}

function compare(a: string, b: string): number {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/** The advisory an image reference falls short of, or undefined. */
export function unpatchedAdvisory(ref: string): ImageAdvisory | undefined {
  const parsed = imageVersion(ref);
  if (!parsed) return undefined;
  const [repository, version] = parsed;
  return IMAGE_ADVISORIES.find(
    (a) => a.repository === repository && (version === a.line || version.startsWith(`${a.line}.`)) && compare(version, a.minimum) < 0,
  );
}

function problem(where: string, ref: string, a: ImageAdvisory): string {
  return must(`${where}: image ${ref} is older than ${a.minimum}, the minimum patched ${a.repository} ${a.line} release (${a.source})`, `pin ${a.repository} ${a.minimum} or a later ${a.line} patch release`);
}

/** Images of a known release line are at least its minimum patched version (advisory: the facts age; the table is the source). */
export const patchedImages: ResourceValidationPolicy = {
  name: "patched-images",
  description: "Store images must be at least the minimum patched release of their line (known CVEs fixed), per IMAGE_ADVISORIES.",
  enforcementLevel: "advisory",
  severity: "high",
  validateResource: (args, report) =>
    eachImage(args, (where, ref) => {
      const a = unpatchedAdvisory(ref);
      if (a) report(problem(where, ref, a));
    }),
};
