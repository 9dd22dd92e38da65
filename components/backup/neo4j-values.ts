/**
 * JSON encoding of Neo4j property values that keeps their Cypher types through
 * a backup: integers stay INTEGER (64-bit, as strings), floats stay FLOAT,
 * temporal and spatial values are rebuilt with the driver's own classes,
 * byte arrays travel as base64.
 */
import neo4j from "neo4j-driver";

type Encoded = null | boolean | string | number | Encoded[] | { [k: string]: Encoded };

const TEMPORAL: Record<string, { fields: string[]; make: (...a: any[]) => unknown; is: (v: unknown) => boolean }> = {
  Date: { fields: ["year", "month", "day"], make: (...a) => new neo4j.types.Date(a[0], a[1], a[2]), is: neo4j.isDate },
  LocalTime: { fields: ["hour", "minute", "second", "nanosecond"], make: (...a) => new neo4j.types.LocalTime(a[0], a[1], a[2], a[3]), is: neo4j.isLocalTime },
  Time: { fields: ["hour", "minute", "second", "nanosecond", "timeZoneOffsetSeconds"], make: (...a) => new neo4j.types.Time(a[0], a[1], a[2], a[3], a[4]), is: neo4j.isTime },
  LocalDateTime: {
    fields: ["year", "month", "day", "hour", "minute", "second", "nanosecond"],
    make: (...a) => new neo4j.types.LocalDateTime(a[0], a[1], a[2], a[3], a[4], a[5], a[6]),
    is: neo4j.isLocalDateTime,
  },
  DateTime: {
    fields: ["year", "month", "day", "hour", "minute", "second", "nanosecond", "timeZoneOffsetSeconds", "timeZoneId"],
    make: (...a) => new neo4j.types.DateTime(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7] ?? undefined, a[8] ?? undefined),
    is: neo4j.isDateTime,
  },
  Duration: { fields: ["months", "days", "seconds", "nanoseconds"], make: (...a) => new neo4j.types.Duration(a[0], a[1], a[2], a[3]), is: neo4j.isDuration },
  Point: { fields: ["srid", "x", "y", "z"], make: (...a) => new neo4j.types.Point(a[0], a[1], a[2], a[3] ?? undefined), is: neo4j.isPoint },
};

export function encodeValue(v: unknown): Encoded {
  if (v === null || v === undefined) return null;
  if (typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") return Number.isFinite(v) ? v : { $f: String(v) };
  if (neo4j.isInt(v)) return { $i: v.toString() };
  if (v instanceof Int8Array || v instanceof Uint8Array) return { $b: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64") };
  if (Array.isArray(v)) return v.map(encodeValue);
  for (const [name, t] of Object.entries(TEMPORAL)) {
    if (t.is(v)) return { $t: name, f: t.fields.map((f) => encodeValue((v as Record<string, unknown>)[f])) };
  }
  if (typeof v === "object") return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, encodeValue(x)]));
  throw new Error(`neo4j: cannot encode a property value of type ${typeof v}`);
}

export function decodeValue(v: Encoded): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(decodeValue);
  if (typeof v.$i === "string") return neo4j.int(v.$i);
  if (typeof v.$f === "string") return Number(v.$f);
  if (typeof v.$b === "string") return new Int8Array(Buffer.from(v.$b, "base64"));
  if (typeof v.$t === "string" && Array.isArray(v.f)) {
    const t = TEMPORAL[v.$t];
    if (!t) throw new Error(`neo4j: unknown encoded type ${v.$t}`);
    return t.make(...v.f.map(decodeValue));
  }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decodeValue(x)]));
}

export function encodeProps(p: Record<string, unknown>): Record<string, Encoded> {
  return Object.fromEntries(Object.entries(p).map(([k, x]) => [k, encodeValue(x)]));
}
export function decodeProps(p: Record<string, Encoded>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(p).map(([k, x]) => [k, decodeValue(x)]));
}
