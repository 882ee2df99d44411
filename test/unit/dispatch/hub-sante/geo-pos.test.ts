/** GEO-POS: fields from a fix, status/engagedStatus from the car's status, and the pace rule. */
import { describe, expect, it } from "vitest";
import { geoPosDue, geoPosition, geoStatus } from "../../../../src/domain/hub-sante/geo-pos.ts";
import { type HubCarState, initialHubCarState } from "../../../../src/domain/hub-sante/rs-sr.ts";
import type { StatusKey } from "../../../../src/domain/radio-status.ts";
import { validators } from "./official-schemas.ts";

const context = { resourceId: "fr.health.sos33.resource.BDX-07", timeZone: "Europe/Paris" };
const fixTime = Date.parse("2026-07-14T10:00:00.400Z");
const car = (statusKey: StatusKey | null, more: Partial<HubCarState> = {}): HubCarState => ({
  ...initialHubCarState,
  statusKey,
  ...more,
});

describe("GEO-POS position", () => {
  it("carries the fix in local time, speed in km/h, heading as cap, altitude as height", () => {
    const position = geoPosition(
      { fixTime, lat: 44.8378, lon: -0.5736, alt: 12.5, speed: 13.9, heading: 271.5 },
      car("en_route"),
      context,
    );
    expect(position).toEqual({
      resourceId: "fr.health.sos33.resource.BDX-07",
      datetime: "2026-07-14T12:00:00+02:00",
      coord: { lat: 44.8378, lon: -0.5736, height: 12.5 },
      speed: 50,
      move: "MOBILE",
      cap: 271.5,
      status: "INDISPONIBLE",
      engagedStatus: "PARTIE",
    });
    expect(validators.geoPos({ position: [position] })).toBe(true);
  });

  it("leaves out what the receiver did not give, and reads a crawl as STATIQUE", () => {
    const bare = geoPosition({ fixTime, lat: 44.8, lon: -0.57 }, car(null), context);
    expect(bare).toEqual({
      resourceId: context.resourceId,
      datetime: "2026-07-14T12:00:00+02:00",
      coord: { lat: 44.8, lon: -0.57 },
      status: "INCONNU",
    });
    expect(geoPosition({ fixTime, lat: 44.8, lon: -0.57, speed: 0.7 }, car("on_scene"), context).move).toBe(
      "STATIQUE",
    );
  });

  it.each<[StatusKey, Partial<HubCarState>, string, string | undefined]>([
    ["available", {}, "DISPONIBLE", undefined],
    ["at_base", {}, "DISPONIBLE", undefined],
    ["en_route", {}, "INDISPONIBLE", "PARTIE"],
    ["on_scene", {}, "INDISPONIBLE", "ARRIVEE_LIEU"],
    ["with_patient", {}, "INDISPONIBLE", "ARRIVEE_LIEU"],
    ["samu_backup", {}, "INDISPONIBLE", "ARRIVEE_LIEU"],
    ["visit_done", {}, "INDISPONIBLE", "FIN_MED"],
    ["unavailable", {}, "INDISPONIBLE", undefined],
    ["unavailable", { caseId: "fr.health.sos33.M-1" }, "INDISPONIBLE", "RETOUR_INDISPONIBLE"],
    ["available", { emergency: true }, "INDISPONIBLE", undefined],
    ["on_scene", { emergency: true }, "INDISPONIBLE", "ARRIVEE_LIEU"],
  ])("maps %s %j to %s / %s", (key, more, status, engaged) => {
    const mapped = geoStatus(car(key, more));
    expect(mapped.status).toBe(status);
    expect(mapped.engagedStatus).toBe(engaged);
    const position = geoPosition({ fixTime, lat: 44.8, lon: -0.57 }, car(key, more), context);
    expect(validators.geoPos({ position: [position] })).toBe(true);
  });
});

describe("GEO-POS pace", () => {
  const interval = 10_000;
  it("sends the first fix at once, then at most one per interval, and never an old fix again", () => {
    let last = { sentAt: null as number | null, fixTime: null as number | null };
    const sentAt: number[] = [];
    // A fix every second for a minute; the clock is the test's.
    for (let now = 0; now < 60_000; now += 1000) {
      const fix = now + 500;
      if (geoPosDue(last, fix, now, interval)) {
        sentAt.push(now);
        last = { sentAt: now, fixTime: fix };
      }
    }
    expect(sentAt).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000]);
    expect(geoPosDue(last, last.fixTime ?? 0, 1_000_000, interval)).toBe(false);
  });

  it("sends the newest fix as soon as the interval is over, however long the car was silent", () => {
    expect(geoPosDue({ sentAt: 0, fixTime: 500 }, 3_600_000, 3_600_000, interval)).toBe(true);
    expect(geoPosDue({ sentAt: 0, fixTime: 500 }, 9_000, 9_999, interval)).toBe(false);
  });

  it("does not hold positions back when the wall clock is set back", () => {
    expect(geoPosDue({ sentAt: 5_000_000, fixTime: 500 }, 1_000, 1_000, interval)).toBe(true);
  });
});
