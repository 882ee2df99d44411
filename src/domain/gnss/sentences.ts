/**
 * Our own normalised NMEA 0183 sentences: what io/gnss decodes and the fix assembler consumes.
 *
 * Every value the receiver left empty is `null`, never 0 and never `-0` (nmea-simple turns an
 * empty field into 0 or -0, PITFALLS.md; nmea0183-signalk saw a 13° course error from an empty
 * magnetic variation read as 0). The talker is kept ("GP", "GN", "GL", "GA", "GB", "BD", "QZ",
 * "GI"...) because it says which constellation a GSA/GSV is about.
 *
 * Time of day is milliseconds since midnight UTC, with the receiver's fraction kept (10 Hz
 * receivers send `hhmmss.ss`): nmea-simple's `Date` takes its date part from the system clock
 * (GGA/GLL/GNS) or drops the milliseconds (RMC), so the date is resolved separately
 * (gnss-date.ts) from RMC or ZDA only.
 */

/** A calendar date as the receiver sent it. `year` has two digits in RMC, four in ZDA. */
export interface NmeaDate {
  day: number;
  month: number;
  year: number;
  twoDigitYear: boolean;
}

interface Base {
  talker: string;
}

/**
 * FAA mode indicator (NMEA 2.3+), one letter: A autonomous, D differential, E estimated
 * (dead reckoning), F float RTK, M manual input, N no fix, P precise, R RTK, S simulator.
 * GNS carries one letter per constellation (GPS, GLONASS, Galileo, BeiDou...).
 */
export type ModeIndicator = string;

export interface RmcSentence extends Base {
  type: "RMC";
  timeOfDayMs: number | null;
  /** A = valid, V = navigation receiver warning. */
  status: "A" | "V" | null;
  lat: number | null;
  lon: number | null;
  speedKnots: number | null;
  courseTrue: number | null;
  date: NmeaDate | null;
  mode: ModeIndicator | null;
}

export interface GgaSentence extends Base {
  type: "GGA";
  timeOfDayMs: number | null;
  lat: number | null;
  lon: number | null;
  /** 0 none, 1 GPS, 2 DGPS, 3 PPS, 4 RTK fixed, 5 RTK float, 6 estimated, 7 manual, 8 simulation. */
  quality: number | null;
  satsUsed: number | null;
  hdop: number | null;
  /** Antenna altitude above mean sea level (geoid), metres. */
  altMsl: number | null;
}

export interface GsaSentence extends Base {
  type: "GSA";
  selection: "A" | "M" | null;
  /** 1 no fix, 2 2D, 3 3D. */
  mode: 1 | 2 | 3 | null;
  /** PRNs used in the solution (empty slots dropped). */
  prns: number[];
  pdop: number | null;
  hdop: number | null;
  vdop: number | null;
  /** NMEA 4.10 GNSS system id (1 GPS, 2 GLONASS, 3 Galileo, 4 BeiDou, 5 QZSS, 6 NavIC). */
  systemId: number | null;
}

export interface SatelliteInView {
  prn: number;
  elevation: number | null;
  azimuth: number | null;
  snr: number | null;
}

export interface GsvSentence extends Base {
  type: "GSV";
  pages: number | null;
  page: number | null;
  inView: number | null;
  satellites: SatelliteInView[];
  /** NMEA 4.10 signal id (last field when the field count says so), else null. */
  signalId: number | null;
}

export interface VtgSentence extends Base {
  type: "VTG";
  courseTrue: number | null;
  speedKnots: number | null;
  speedKmh: number | null;
  mode: ModeIndicator | null;
}

export interface GllSentence extends Base {
  type: "GLL";
  lat: number | null;
  lon: number | null;
  timeOfDayMs: number | null;
  status: "A" | "V" | null;
  mode: ModeIndicator | null;
}

export interface ZdaSentence extends Base {
  type: "ZDA";
  timeOfDayMs: number | null;
  /** Four-digit year, or null when any date field is empty or out of range. */
  date: NmeaDate | null;
}

export interface GnsSentence extends Base {
  type: "GNS";
  timeOfDayMs: number | null;
  lat: number | null;
  lon: number | null;
  /** One mode letter per constellation, e.g. "AAN" (GPS, GLONASS, Galileo). */
  modes: string | null;
  satsUsed: number | null;
  hdop: number | null;
  altMsl: number | null;
}

export type GnssSentence =
  | RmcSentence
  | GgaSentence
  | GsaSentence
  | GsvSentence
  | VtgSentence
  | GllSentence
  | ZdaSentence
  | GnsSentence;

export type GnssSentenceType = GnssSentence["type"];

/** The constellation a talker id speaks for; "GN" (combined) and unknown talkers map to themselves. */
export function constellationOfTalker(talker: string): string {
  switch (talker) {
    case "GP":
      return "GPS";
    case "GL":
      return "GLONASS";
    case "GA":
      return "Galileo";
    case "GB":
    case "BD":
      return "BeiDou";
    case "GQ":
    case "QZ":
      return "QZSS";
    case "GI":
      return "NavIC";
    default:
      return talker;
  }
}

/** NMEA 4.10 GSA system id → constellation (NMEA 0183 v4.10 table 20, as in gpsd's "NMEA Revealed"). */
export function constellationOfSystemId(systemId: number): string | null {
  return (
    ({ 1: "GPS", 2: "GLONASS", 3: "Galileo", 4: "BeiDou", 5: "QZSS", 6: "NavIC" } as Record<number, string>)[
      systemId
    ] ?? null
  );
}
