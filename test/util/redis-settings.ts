import type { RedisServerSettings } from "../../components/stores/redis";

/** Every Redis server setting away from its default (512 / allkeys-lru / AOF yes everysec / 300 s). */
export const NON_DEFAULT: RedisServerSettings = { maxmemoryMb: 200, maxmemoryPolicy: "allkeys-lfu", appendonly: true, appendfsync: "always", timeoutSeconds: 120 };
