/**
 * "Stays bounded", as a rule anyone can check on the soak's samples (issue 9):
 *
 *   - the first eighth of the run is warm-up (JIT, SQLite's page cache, the WAL reaching its
 *     working size, the first missions' state) and is not judged;
 *   - the reference is the highest value in the quarter after the warm-up (12.5 % to 37.5 % of the
 *     simulated time), the final the highest value in the last quarter (75 % to 100 %);
 *   - a metric is bounded when final ≤ reference × ratio + slack. Memory and files get a ratio of
 *     1.2 and a slack of 10 MB; descriptors and libuv handles a ratio of 1 and a slack of 3
 *     (a leak of one per mission or per reconnection would exceed it over a 24 h shift).
 *
 * The least-squares slope over the second half is reported beside it (per simulated hour), not
 * judged: a sawtooth from the garbage collector makes slopes noisy over short runs.
 */

export interface Point {
  /** Simulated hours since the shift started. */
  hour: number;
  value: number;
}

export interface BoundRule {
  ratio: number;
  slack: number;
}

export interface BoundVerdict {
  ok: boolean;
  referenceMax: number;
  finalMax: number;
  limit: number;
  /** Value at the end of the warm-up and at the end, for "no handle leaks". */
  afterWarmup: number;
  last: number;
  slopePerHour: number;
}

export const mb = 1_000_000;

export const boundRules = {
  rss: { ratio: 1.2, slack: 10 * mb },
  heapUsed: { ratio: 1.2, slack: 10 * mb },
  dbBytes: { ratio: 1.2, slack: 10 * mb },
  walBytes: { ratio: 1.2, slack: 10 * mb },
  fds: { ratio: 1, slack: 3 },
  handles: { ratio: 1, slack: 3 },
} as const satisfies Record<string, BoundRule>;

export type BoundedMetric = keyof typeof boundRules;

function within(points: readonly Point[], from: number, to: number): Point[] {
  const inside = points.filter((p) => p.hour >= from && p.hour <= to);
  if (inside.length > 0) return inside;
  // A short run may have no sample in a window: take the one nearest to it.
  const middle = Number.isFinite(to) ? (from + to) / 2 : from;
  const nearest = [...points].sort((a, b) => Math.abs(a.hour - middle) - Math.abs(b.hour - middle))[0];
  return nearest ? [nearest] : [];
}

function maxOf(points: readonly Point[]): number {
  return points.reduce((max, p) => Math.max(max, p.value), Number.NEGATIVE_INFINITY);
}

export function slope(points: readonly Point[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const meanX = points.reduce((s, p) => s + p.hour, 0) / n;
  const meanY = points.reduce((s, p) => s + p.value, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.hour - meanX) * (p.value - meanY);
    den += (p.hour - meanX) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export function judgeBounded(points: readonly Point[], durationHours: number, rule: BoundRule): BoundVerdict {
  if (points.length === 0) throw new Error("no samples to judge");
  const warm = durationHours / 8;
  const reference = within(points, warm, warm + durationHours / 4);
  // To the end: the last sample is taken just after the shift's last cycle.
  const final = within(points, (durationHours * 3) / 4, Number.POSITIVE_INFINITY);
  const referenceMax = maxOf(reference);
  const finalMax = maxOf(final);
  const limit = referenceMax * rule.ratio + rule.slack;
  const afterWarmup = reference[0]?.value ?? Number.NaN;
  const last = points[points.length - 1]?.value ?? Number.NaN;
  return {
    ok: finalMax <= limit,
    referenceMax,
    finalMax,
    limit,
    afterWarmup,
    last,
    slopePerHour: slope(points.filter((p) => p.hour >= durationHours / 2)),
  };
}
