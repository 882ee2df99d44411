import { describe, expect, it } from "vitest";
import { fixKindOf, QualityGate } from "../../../../src/domain/gnss/quality-gate.ts";
import { candidate } from "./gnss-sentence-builders.ts";

const t0 = Date.parse("2026-11-23T10:00:00Z");
/** Degrees of latitude per metre. */
const degPerM = 1 / 111_195;

describe("quality gate", () => {
  it("turns a good candidate into exactly the wire Fix (m/s, degrees true, metres MSL)", () => {
    const gate = new QualityGate();
    const outcome = gate.assess(candidate());
    expect(outcome).toEqual({
      accepted: true,
      fix: {
        fixTime: "2026-11-23T10:00:00.000Z",
        lat: 44.84149,
        lon: -0.5702,
        alt: 12.5,
        speed: 5,
        heading: 90,
        fix: "3d",
        sats: 9,
        hdop: 0.9,
      },
    });
  });

  it("leaves out every field the receiver did not give, never 0", () => {
    const outcome = new QualityGate().assess(
      candidate({ altMsl: null, speedMs: null, courseTrue: null, satsUsed: null, hdop: null, gsaMode: 2 }),
    );
    expect(outcome.accepted && Object.keys(outcome.fix).sort()).toEqual(["fix", "fixTime", "lat", "lon"]);
  });

  it("sends no position without a fix: no position, quality 0, status V, null island", () => {
    const gate = new QualityGate();
    expect(gate.assess(candidate({ lat: null }))).toEqual({ accepted: false, reason: "no_fix" });
    expect(gate.assess(candidate({ ggaQuality: 0 }))).toEqual({ accepted: false, reason: "no_fix" });
    expect(gate.assess(candidate({ statuses: ["V"] }))).toEqual({ accepted: false, reason: "no_fix" });
    expect(gate.assess(candidate({ lat: 0, lon: 0 }))).toEqual({ accepted: false, reason: "no_fix" });
    expect(gate.assess(candidate({ lat: -0, lon: -0 }))).toEqual({ accepted: false, reason: "no_fix" });
    expect(gate.assess(candidate({ lat: Number.NaN }))).toEqual({ accepted: false, reason: "no_fix" });
    expect(gate.assess(candidate({ lat: 91 }))).toEqual({ accepted: false, reason: "no_fix" });
    expect(gate.assess(candidate({ ggaQuality: null, statuses: [], modes: ["N"] }))).toEqual({
      accepted: false,
      reason: "no_fix",
    });
  });

  it("does not trust GGA quality 1 from zero satellites unless RMC says A", () => {
    expect(fixKindOf(candidate({ satsUsed: 0, statuses: [] }))).toBe("none");
    expect(fixKindOf(candidate({ satsUsed: 0, statuses: ["A"] }))).toBe("3d");
  });

  it("rejects simulated and manual positions (GGA 7/8, mode S/M) as not real", () => {
    const gate = new QualityGate();
    for (const c of [
      candidate({ ggaQuality: 8 }),
      candidate({ ggaQuality: 7 }),
      candidate({ ggaQuality: null, modes: ["S"] }),
      candidate({ modes: ["M"] }),
      candidate({ ggaQuality: null, modes: ["AS"].flatMap((m) => [...m]) }),
    ]) {
      expect(gate.assess(c)).toEqual({ accepted: false, reason: "simulated" });
    }
    expect(gate.counts()).toEqual({ simulated: 5 });
  });

  it("maps GGA quality and GSA mode to the fix kind", () => {
    expect(fixKindOf(candidate({ ggaQuality: 1, gsaMode: 2 }))).toBe("2d");
    expect(fixKindOf(candidate({ ggaQuality: 1, gsaMode: 3 }))).toBe("3d");
    expect(fixKindOf(candidate({ ggaQuality: 1, gsaMode: null, altMsl: null }))).toBe("2d");
    expect(fixKindOf(candidate({ ggaQuality: 2 }))).toBe("dgps");
    expect(fixKindOf(candidate({ ggaQuality: 4 }))).toBe("rtk");
    expect(fixKindOf(candidate({ ggaQuality: 5 }))).toBe("rtk");
    expect(fixKindOf(candidate({ ggaQuality: null, modes: ["D"] }))).toBe("dgps");
    expect(fixKindOf(candidate({ ggaQuality: null, modes: ["R"] }))).toBe("rtk");
    expect(fixKindOf(candidate({ ggaQuality: null, modes: [], statuses: ["A"], gsaMode: 2 }))).toBe("2d");
  });

  it("accepts dead reckoning as 'estimated' when the receiver vouches for it, not when it says V", () => {
    expect(fixKindOf(candidate({ ggaQuality: 6, satsUsed: 0, statuses: [] }))).toBe("estimated");
    expect(fixKindOf(candidate({ ggaQuality: null, modes: ["E"] }))).toBe("estimated");
    expect(fixKindOf(candidate({ ggaQuality: 6, statuses: ["V"], modes: ["E"] }))).toBe("none");
  });

  it("drops a fix that implies 300 km/h and counts it as a jump", () => {
    const gate = new QualityGate();
    expect(gate.assess(candidate()).accepted).toBe(true);
    const metres = (300 / 3.6) * 1;
    const jump = candidate({ timeMs: t0 + 1000, lat: 44.84149 + metres * degPerM });
    expect(gate.assess(jump)).toEqual({ accepted: false, reason: "jump" });
    expect(gate.counts()).toEqual({ accepted: 1, jump: 1 });
  });

  it("accepts a car at 200 km/h", () => {
    const gate = new QualityGate();
    gate.assess(candidate());
    const metres = 200 / 3.6;
    expect(gate.assess(candidate({ timeMs: t0 + 1000, lat: 44.84149 + metres * degPerM })).accepted).toBe(
      true,
    );
  });

  it("honours a lower speed limit from its options", () => {
    const gate = new QualityGate({ maxSpeedKmh: 100 });
    gate.assess(candidate());
    const metres = 150 / 3.6;
    expect(gate.assess(candidate({ timeMs: t0 + 1000, lat: 44.84149 + metres * degPerM }))).toEqual({
      accepted: false,
      reason: "jump",
    });
  });

  it("moves to a new place once 5 consecutive cycles agree on it, so one bad fix cannot lock the gate", () => {
    const gate = new QualityGate();
    gate.assess(candidate({ lat: 45.5 })); // a glitch accepted first
    const verdicts = [];
    for (let s = 1; s <= 6; s++) verdicts.push(gate.assess(candidate({ timeMs: t0 + s * 1000 })).accepted);
    expect(verdicts).toEqual([false, false, false, false, true, true]);
  });

  it("drops a fix that is not newer than the last accepted one", () => {
    const gate = new QualityGate();
    gate.assess(candidate({ timeMs: t0 + 5000 }));
    expect(gate.assess(candidate({ timeMs: t0 + 5000 }))).toEqual({ accepted: false, reason: "stale" });
    expect(gate.assess(candidate({ timeMs: t0 + 4000 }))).toEqual({ accepted: false, reason: "stale" });
    expect(gate.assess(candidate({ timeMs: t0 + 6000 })).accepted).toBe(true);
  });

  it("cannot put a fix in time without a date", () => {
    expect(new QualityGate().assess(candidate({ timeMs: null }))).toEqual({
      accepted: false,
      reason: "no_date",
    });
  });

  it("never emits -0, NaN or a heading of 360", () => {
    const outcome = new QualityGate().assess(
      candidate({ lat: -0.5, lon: -0.5, speedMs: -0, courseTrue: 360, altMsl: -0, hdop: Number.NaN }),
    );
    expect(outcome.accepted).toBe(true);
    if (!outcome.accepted) return;
    expect(Object.is(outcome.fix.speed, -0)).toBe(false);
    expect(Object.is(outcome.fix.alt, -0)).toBe(false);
    expect(outcome.fix.heading).toBe(0);
    expect(outcome.fix.hdop).toBeUndefined();
  });
});
