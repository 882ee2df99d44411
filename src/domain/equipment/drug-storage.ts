/**
 * Drug compartment temperature from the `TMP` record (PROTOCOL.md B: `slot`, `celsius`), issue 5:
 *   outside [minC, maxC] (2–25 °C in bdx-07, inclusive) for more than `excursionToleranceMinutes`
 *     (15) in one stretch                         → warning, while it lasts and for 24 h after, since
 *                                                   the drugs may have suffered even once it cooled down
 *   more than 120 min outside in total within the last 24 h → fault. Issue 5 asks us to choose:
 *     the 15 min tolerance absorbs a boot opened at one visit, but a hot day of visits adds up, and
 *     beyond two hours a day we no longer claim the stock is fine without a pharmacist looking at
 *     it. Our choice, not a regulatory figure; configurable (`faultCumulativeMinutes`).
 *   stored drugs with an expiry date: the kit-expiry rules (kit-expiry.ts).
 *
 * The accumulator is pure: `recordTemperature(log, …, reading)` returns a new log. Sample-and-hold:
 * a reading's value holds until the next one, but at most `maxGapMs` (60 s); a longer silence is not
 * counted as an excursion (the item shows `unknown` meanwhile, readiness-verdict.ts), and it ends the
 * stretch. Out-of-range time is kept per minute, so memory stays bounded (≤ 1 441 buckets) even when
 * the sensor hovers on 25.0 °C and flips every second; the 24 h window is thus rounded out to the
 * minute, which can only over-count (by < 1 min).
 */
import { assessExpiry, defaultWarnDaysBeforeExpiry } from "./kit-expiry.ts";
import type { Finding } from "./readiness-labels.ts";

/** The profile's `drug_storage` fields (src/contracts/vehicle-profile.ts). */
export interface DrugStorageRule {
  readonly minC: number;
  readonly maxC: number;
  readonly excursionToleranceMinutes: number;
}

export interface ExcursionOptions {
  /** Cumulative out-of-range minutes in the window beyond which the item is faulty. */
  readonly faultCumulativeMinutes: number;
  readonly windowMs: number;
  /** The longest silence across which a reading still holds. */
  readonly maxGapMs: number;
}

export const defaultExcursionOptions: ExcursionOptions = {
  faultCumulativeMinutes: 120,
  windowMs: 24 * 3_600_000,
  maxGapMs: 60_000,
};

export interface TemperatureReading {
  /** Receive time, epoch ms. */
  readonly at: number;
  readonly celsius: number;
}

interface Span {
  readonly start: number;
  readonly end: number;
}

export interface TemperatureLog {
  readonly last: TemperatureReading | null;
  /** Start of the stretch out of range that the last reading belongs to; null when it was in range. */
  readonly excursionStart: number | null;
  /** Out-of-range milliseconds per epoch minute, oldest first, pruned to the window. */
  readonly outByMinute: readonly { readonly minute: number; readonly ms: number }[];
  /** Finished stretches longer than the tolerance, pruned to the window. */
  readonly longExcursions: readonly Span[];
}

export const emptyTemperatureLog: TemperatureLog = {
  last: null,
  excursionStart: null,
  outByMinute: [],
  longExcursions: [],
};

const minuteMs = 60_000;

export function isInRange(rule: Pick<DrugStorageRule, "minC" | "maxC">, celsius: number): boolean {
  return celsius >= rule.minC && celsius <= rule.maxC;
}

function addOutOfRange(buckets: TemperatureLog["outByMinute"], span: Span): TemperatureLog["outByMinute"] {
  if (span.end <= span.start) return buckets;
  const next = [...buckets];
  for (let minute = Math.floor(span.start / minuteMs); minute * minuteMs < span.end; minute++) {
    const ms = Math.min(span.end, (minute + 1) * minuteMs) - Math.max(span.start, minute * minuteMs);
    const lastBucket = next.at(-1);
    if (lastBucket?.minute === minute) next[next.length - 1] = { minute, ms: lastBucket.ms + ms };
    else next.push({ minute, ms });
  }
  return next;
}

/** Folds one reading into the log. A reading not newer than the last one is ignored (replay, clock step). */
export function recordTemperature(
  log: TemperatureLog,
  rule: DrugStorageRule,
  reading: TemperatureReading,
  options: ExcursionOptions = defaultExcursionOptions,
): TemperatureLog {
  const { last } = log;
  if (last !== null && reading.at <= last.at) return log;
  const readingOut = !isInRange(rule, reading.celsius);
  let { outByMinute, longExcursions, excursionStart } = log;
  if (last !== null && excursionStart !== null) {
    const gap = reading.at - last.at;
    const heldUntil = gap <= options.maxGapMs ? reading.at : last.at + options.maxGapMs;
    outByMinute = addOutOfRange(outByMinute, { start: last.at, end: heldUntil });
    const continues = readingOut && gap <= options.maxGapMs;
    if (!continues) {
      if (heldUntil - excursionStart > rule.excursionToleranceMinutes * minuteMs)
        longExcursions = [...longExcursions, { start: excursionStart, end: heldUntil }];
      excursionStart = readingOut ? reading.at : null;
    }
  } else excursionStart = readingOut ? reading.at : null;
  const windowStart = reading.at - options.windowMs;
  const firstMinute = Math.floor(windowStart / minuteMs);
  if (outByMinute[0] !== undefined && outByMinute[0].minute < firstMinute)
    outByMinute = outByMinute.filter((bucket) => bucket.minute >= firstMinute);
  if (longExcursions[0] !== undefined && longExcursions[0].end < windowStart)
    longExcursions = longExcursions.filter((span) => span.end >= windowStart);
  return { last: reading, excursionStart, outByMinute, longExcursions };
}

export interface ExcursionSummary {
  /** How long the current stretch out of range has lasted; null when the last reading was in range. */
  readonly ongoingMs: number | null;
  /** The longest stretch out of range that ended within the window, or is going on. */
  readonly longestMs: number;
  /** All out-of-range time within the window. */
  readonly cumulativeMs: number;
}

export function summarizeExcursions(
  log: TemperatureLog,
  now: number,
  options: ExcursionOptions = defaultExcursionOptions,
): ExcursionSummary {
  const firstMinute = Math.floor((now - options.windowMs) / minuteMs);
  let cumulativeMs = 0;
  for (const bucket of log.outByMinute) if (bucket.minute >= firstMinute) cumulativeMs += bucket.ms;
  let longestMs = 0;
  for (const span of log.longExcursions)
    if (span.end >= now - options.windowMs) longestMs = Math.max(longestMs, span.end - span.start);
  let ongoingMs: number | null = null;
  if (log.last !== null && log.excursionStart !== null) {
    // The last reading holds until now, or until it is too old to hold.
    const heldUntil = Math.max(log.last.at, Math.min(now, log.last.at + options.maxGapMs));
    cumulativeMs += heldUntil - log.last.at;
    ongoingMs = heldUntil - log.excursionStart;
    longestMs = Math.max(longestMs, ongoingMs);
  }
  return { ongoingMs, longestMs, cumulativeMs };
}

export interface DrugStorageContext {
  readonly now: number;
  /** Today in the car's calendar (kit-expiry.ts), for `expiresOn`. */
  readonly today: string;
  /** Earliest expiry of the drugs stored, when known (the profile has no such field yet). */
  readonly expiresOn?: string;
  readonly warnDaysBeforeExpiry?: number;
}

export function assessDrugStorage(
  rule: DrugStorageRule,
  log: TemperatureLog,
  context: DrugStorageContext,
  options: ExcursionOptions = defaultExcursionOptions,
): Finding[] {
  const findings: Finding[] = [];
  const summary = summarizeExcursions(log, context.now, options);
  const { minC, maxC } = rule;
  if (summary.cumulativeMs > options.faultCumulativeMinutes * minuteMs)
    findings.push({
      state: "fault",
      reason: { code: "temperature_cumulative", durationMs: summary.cumulativeMs, minC, maxC },
    });
  const toleranceMs = rule.excursionToleranceMinutes * minuteMs;
  if (summary.ongoingMs !== null && summary.ongoingMs > toleranceMs && log.last !== null)
    findings.push({
      state: "warning",
      reason: {
        code: "temperature_excursion",
        durationMs: summary.ongoingMs,
        minC,
        maxC,
        celsius: log.last.celsius,
      },
    });
  else if (summary.longestMs > toleranceMs)
    findings.push({
      state: "warning",
      reason: { code: "temperature_excursion", durationMs: summary.longestMs, minC, maxC },
    });
  if (context.expiresOn !== undefined)
    findings.push(
      ...assessExpiry(
        context.expiresOn,
        context.today,
        context.warnDaysBeforeExpiry ?? defaultWarnDaysBeforeExpiry,
      ),
    );
  return findings;
}
