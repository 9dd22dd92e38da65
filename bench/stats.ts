/**
 * Small numeric helpers for the benchmark: a figure is a list of samples
 * (one per iteration) summarised as minimum, median and maximum.
 */

/** One measured figure: its samples and their summary. */
export interface Figure {
  /** Stable key used in results.json, e.g. `apply.flyway_over_polystore`. */
  key: string;
  /** Human label for the table. */
  label: string;
  /** `s`, `ms`, `ratio`, `count`, `MB`… */
  unit: string;
  samples: number[];
  min: number;
  median: number;
  max: number;
  /** Optional target, e.g. `≥ 1`; `met` says whether the median meets it. */
  target?: { op: ">=" | "<="; value: number; met: boolean };
  note?: string;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Builds a figure from samples; `target` is checked against the median. */
export function figure(
  key: string,
  label: string,
  unit: string,
  samples: number[],
  opts: { target?: { op: ">=" | "<="; value: number }; note?: string } = {},
): Figure {
  const med = median(samples);
  const f: Figure = {
    key,
    label,
    unit,
    samples: samples.map((x) => round(x)),
    min: round(Math.min(...samples)),
    median: round(med),
    max: round(Math.max(...samples)),
  };
  if (opts.target) f.target = { ...opts.target, met: opts.target.op === ">=" ? med >= opts.target.value : med <= opts.target.value };
  if (opts.note) f.note = opts.note;
  return f;
}

/** Four significant digits are plenty for timings on a shared 2-core machine. */
export function round(x: number): number {
  if (!Number.isFinite(x)) return x;
  return Number(x.toPrecision(4));
}

/** Wall time of `fn` in milliseconds (high-resolution clock). */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

/** `items` rotated left by `n` (interleaves the order of contenders between iterations). */
export function rotate<T>(items: readonly T[], n: number): T[] {
  const k = ((n % items.length) + items.length) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** Element-wise a[i] / b[i] (paired ratios of the same iteration). */
export function ratios(a: number[], b: number[]): number[] {
  return a.map((x, i) => x / b[i]!);
}
