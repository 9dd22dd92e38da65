/** Ephemeral review stacks (`npm run review`): named exports of the pieces. */
export { parseArgs, USAGE, DEFAULT_TEMPLATE, type ReviewCommand } from "./args";
export { runReview, reportError, type ReviewIO } from "./commands";
export { EXIT, ReviewError, UsageError, EnvironmentError } from "./errors";
export { META_KEYS, META_NS, reviewState, selectExpired, type ReviewStackInfo, type ReviewState } from "./expiry";
export { parsePr, reviewStackName, prOfStack, REVIEW_PREFIX } from "./naming";
export { renderSummary, storeEndpoints, SUMMARY_MARKER } from "./summary";
export { parseTtl, formatDuration, DEFAULT_TTL, MAX_TTL_MS, MIN_TTL_MS } from "./ttl";
