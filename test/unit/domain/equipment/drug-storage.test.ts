import { describe, expect, it } from "vitest";
import {
  assessDrugStorage,
  type DrugStorageRule,
  emptyTemperatureLog,
  recordTemperature,
  summarizeExcursions,
  type TemperatureLog,
} from "../../../../src/domain/equipment/drug-storage.ts";

const rule: DrugStorageRule = { minC: 2, maxC: 25, excursionToleranceMinutes: 15 };
const t0 = 1_800_000_000_000;
const min = 60_000;
const hour = 60 * min;

/** One reading every `stepMs` from `from` (inclusive) to `to` (inclusive) at `celsius`. */
function feed(
  log: TemperatureLog,
  from: number,
  to: number,
  celsius: number,
  stepMs = 30_000,
): TemperatureLog {
  let next = log;
  for (let at = from; at <= to; at += stepMs) next = recordTemperature(next, rule, { at, celsius });
  return next;
}
const judge = (log: TemperatureLog, now: number, extra = {}) =>
  assessDrugStorage(rule, log, { now, today: "2027-01-10", ...extra });

describe("drug compartment temperature", () => {
  it("is ok at exactly 2 °C and 25 °C for hours (the range is inclusive)", () => {
    let log = feed(emptyTemperatureLog, t0, t0 + 2 * hour, 25);
    log = feed(log, t0 + 2 * hour + 30_000, t0 + 4 * hour, 2);
    expect(judge(log, t0 + 4 * hour)).toEqual([]);
    expect(summarizeExcursions(log, t0 + 4 * hour).cumulativeMs).toBe(0);
  });

  it("is ok after exactly 15 min out of range, and warns one second later", () => {
    const log = feed(emptyTemperatureLog, t0, t0 + 15 * min, 27.5);
    expect(judge(log, t0 + 15 * min)).toEqual([]);
    expect(judge(log, t0 + 15 * min + 1000)).toEqual([
      {
        state: "warning",
        reason: {
          code: "temperature_excursion",
          durationMs: 15 * min + 1000,
          minC: 2,
          maxC: 25,
          celsius: 27.5,
        },
      },
    ]);
  });

  it("counts cold as well as heat (1.9 °C for 20 min)", () => {
    const log = feed(emptyTemperatureLog, t0, t0 + 20 * min, 1.9);
    expect(judge(log, t0 + 20 * min).map((f) => f.state)).toEqual(["warning"]);
  });

  it("keeps warning for 24 h after a long excursion, then clears", () => {
    let log = feed(emptyTemperatureLog, t0, t0 + 20 * min, 28);
    log = feed(log, t0 + 20 * min + 30_000, t0 + 2 * hour, 20);
    const after = judge(log, t0 + 2 * hour);
    expect(after).toEqual([
      {
        state: "warning",
        reason: { code: "temperature_excursion", durationMs: 20 * min + 30_000, minC: 2, maxC: 25 },
      },
    ]);
    log = feed(log, t0 + 2 * hour + 30_000, t0 + 25 * hour, 20, 5 * 30_000);
    expect(judge(log, t0 + 25 * hour)).toEqual([]);
  });

  it("is faulty past 120 min out of range in 24 h, even in stretches under 15 min each", () => {
    let log = emptyTemperatureLog;
    // Nine visits with the boot open: 14 min at 30 °C, then 40 min back at 20 °C. 9 × 14 = 126 min.
    for (let visit = 0; visit < 9; visit++) {
      const start = t0 + visit * hour;
      log = feed(log, start, start + 14 * min - 30_000, 30);
      log = feed(log, start + 14 * min, start + 54 * min, 20);
    }
    const now = t0 + 9 * hour;
    expect(summarizeExcursions(log, now).cumulativeMs).toBe(126 * min);
    expect(judge(log, now)).toEqual([
      {
        state: "fault",
        reason: { code: "temperature_cumulative", durationMs: 126 * min, minC: 2, maxC: 25 },
      },
    ]);
  });

  it("is not faulty at exactly 120 min in 24 h", () => {
    let log = emptyTemperatureLog;
    for (let visit = 0; visit < 10; visit++) {
      const start = t0 + visit * hour;
      log = feed(log, start, start + 12 * min - 30_000, 30);
      log = feed(log, start + 12 * min, start + 54 * min, 20);
    }
    expect(summarizeExcursions(log, t0 + 10 * hour).cumulativeMs).toBe(120 * min);
    expect(judge(log, t0 + 10 * hour)).toEqual([]);
  });

  it("reports both the fault and the ongoing stretch when both hold", () => {
    const log = feed(emptyTemperatureLog, t0, t0 + 150 * min, 31);
    expect(judge(log, t0 + 150 * min).map((f) => [f.state, f.reason.code])).toEqual([
      ["fault", "temperature_cumulative"],
      ["warning", "temperature_excursion"],
    ]);
  });

  it("does not count a silence longer than 60 s as time out of range", () => {
    let log = recordTemperature(emptyTemperatureLog, rule, { at: t0, celsius: 30 });
    log = recordTemperature(log, rule, { at: t0 + 40 * min, celsius: 30 });
    const summary = summarizeExcursions(log, t0 + 40 * min);
    expect(summary.cumulativeMs).toBe(60_000);
    expect(summary.ongoingMs).toBe(0);
  });

  it("holds the last out-of-range reading for at most 60 s when judging later", () => {
    const log = recordTemperature(emptyTemperatureLog, rule, { at: t0, celsius: 30 });
    expect(summarizeExcursions(log, t0 + 10 * min)).toEqual({
      ongoingMs: 60_000,
      longestMs: 60_000,
      cumulativeMs: 60_000,
    });
  });

  it("ignores a reading that is not newer than the last one", () => {
    const log = recordTemperature(emptyTemperatureLog, rule, { at: t0, celsius: 20 });
    expect(recordTemperature(log, rule, { at: t0 - 1000, celsius: 40 })).toBe(log);
    expect(recordTemperature(log, rule, { at: t0, celsius: 40 })).toBe(log);
  });

  it("keeps memory bounded when the sensor flips on the limit every 2 s for 26 h", () => {
    let log = emptyTemperatureLog;
    for (let at = t0, i = 0; at < t0 + 26 * hour; at += 2000, i++)
      log = recordTemperature(log, rule, { at, celsius: i % 2 === 0 ? 25.1 : 25 });
    expect(log.outByMinute.length).toBeLessThanOrEqual(1441);
    const summary = summarizeExcursions(log, t0 + 26 * hour);
    // Half of every minute is out of range: 12 h in 24 h, within the one-minute rounding of the window.
    expect(summary.cumulativeMs).toBeGreaterThanOrEqual(12 * hour);
    expect(summary.cumulativeMs).toBeLessThanOrEqual(12 * hour + min);
  });

  it("applies the expiry rules to stored drugs with a date", () => {
    const log = feed(emptyTemperatureLog, t0, t0 + min, 20);
    expect(judge(log, t0 + min, { expiresOn: "2027-01-09" })).toEqual([
      { state: "fault", reason: { code: "expired", expiresOn: "2027-01-09" } },
    ]);
    expect(judge(log, t0 + min, { expiresOn: "2027-01-17" })).toEqual([
      { state: "warning", reason: { code: "expires_soon", expiresOn: "2027-01-17", daysLeft: 7 } },
    ]);
    expect(judge(log, t0 + min, { expiresOn: "2027-01-18" })).toEqual([]);
  });

  it("takes the range and tolerance from the rule (configurable per item)", () => {
    const fridge = { minC: 2, maxC: 8, excursionToleranceMinutes: 5 };
    let log = emptyTemperatureLog;
    for (let at = t0; at <= t0 + 6 * min; at += 30_000)
      log = recordTemperature(log, fridge, { at, celsius: 12 });
    expect(assessDrugStorage(fridge, log, { now: t0 + 6 * min, today: "2027-01-10" })[0]?.state).toBe(
      "warning",
    );
  });
});
