/** Builders of domain sentences for the assembler and gate tests (no NMEA text involved). */
import type { FixCandidate } from "../../../../src/domain/gnss/fix-assembler.ts";
import type {
  GgaSentence,
  GsaSentence,
  GsvSentence,
  RmcSentence,
  VtgSentence,
  ZdaSentence,
} from "../../../../src/domain/gnss/sentences.ts";

export const tod = (hh: number, mm: number, ss: number, ms = 0) => ((hh * 60 + mm) * 60 + ss) * 1000 + ms;

export function rmc(timeOfDayMs: number, over: Partial<RmcSentence> = {}): RmcSentence {
  return {
    type: "RMC",
    talker: "GP",
    timeOfDayMs,
    status: "A",
    lat: 44.84149,
    lon: -0.5702,
    speedKnots: 10,
    courseTrue: 90,
    date: { day: 23, month: 11, year: 26, twoDigitYear: true },
    mode: "A",
    ...over,
  };
}

export function gga(timeOfDayMs: number, over: Partial<GgaSentence> = {}): GgaSentence {
  return {
    type: "GGA",
    talker: "GP",
    timeOfDayMs,
    lat: 44.84149,
    lon: -0.5702,
    quality: 1,
    satsUsed: 9,
    hdop: 0.9,
    altMsl: 12.5,
    ...over,
  };
}

export function gsa(mode: 1 | 2 | 3, over: Partial<GsaSentence> = {}): GsaSentence {
  return {
    type: "GSA",
    talker: "GP",
    selection: "A",
    mode,
    prns: mode === 1 ? [] : [2, 5, 7, 13],
    pdop: 1.6,
    hdop: 0.9,
    vdop: 1.3,
    systemId: null,
    ...over,
  };
}

export function gsv(talker: string, inView: number, signalId: number | null = null): GsvSentence {
  return { type: "GSV", talker, pages: 1, page: 1, inView, satellites: [], signalId };
}

export function vtg(over: Partial<VtgSentence> = {}): VtgSentence {
  return { type: "VTG", talker: "GP", courseTrue: 45, speedKnots: 5, speedKmh: 9.26, mode: "A", ...over };
}

export function zda(timeOfDayMs: number, day: number, month: number, year: number): ZdaSentence {
  return { type: "ZDA", talker: "GN", timeOfDayMs, date: { day, month, year, twoDigitYear: false } };
}

export function candidate(over: Partial<FixCandidate> = {}): FixCandidate {
  return {
    timeMs: Date.parse("2026-11-23T10:00:00Z"),
    timeOfDayMs: tod(10, 0, 0),
    lat: 44.84149,
    lon: -0.5702,
    altMsl: 12.5,
    speedMs: 5,
    courseTrue: 90,
    ggaQuality: 1,
    statuses: ["A"],
    modes: ["A"],
    gsaMode: 3,
    satsUsed: 9,
    hdop: 0.9,
    ...over,
  };
}
