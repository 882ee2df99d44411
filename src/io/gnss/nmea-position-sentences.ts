/**
 * Position and time sentences: RMC, GGA, GLL, GNS, VTG, ZDA. One pure function per sentence, each
 * with its field table (NMEA 0183 v4.10 as summarised in gpsd's "NMEA Revealed").
 *
 * nmea-simple has already parsed the sentence (it proves the sentence has the shape its codec
 * expects, and gives the GGA quality code); every other value is read from the raw field here,
 * because nmea-simple turns empty fields into 0 or -0, drops RMC milliseconds, returns an Invalid
 * Date for a no-fix RMC, and dates GGA/GLL/GNS with the system clock (PITFALLS.md).
 */
import type { GGAPacket } from "nmea-simple";
import type {
  GgaSentence,
  GllSentence,
  GnsSentence,
  RmcSentence,
  VtgSentence,
  ZdaSentence,
} from "../../domain/gnss/sentences.ts";
import {
  coordinate,
  decimal,
  integer,
  mode,
  nonNegative,
  rmcDate,
  status,
  timeOfDay,
  zdaDate,
} from "./nmea-fields.ts";

/**
 * RMC — recommended minimum data.
 * | # | field                     | notes                                        |
 * |---|---------------------------|----------------------------------------------|
 * | 1 | hhmmss.ss UTC             | fraction kept                                |
 * | 2 | status A/V                | V = receiver warning (no fix)                |
 * | 3 | latitude ddmm.mm          |                                              |
 * | 4 | N/S                       |                                              |
 * | 5 | longitude dddmm.mm        |                                              |
 * | 6 | E/W                       |                                              |
 * | 7 | speed over ground, knots  |                                              |
 * | 8 | course over ground, ° true|                                              |
 * | 9 | date ddmmyy               | the only date besides ZDA                    |
 * |10 | magnetic variation        | unused (empty = unknown, never 0)            |
 * |11 | E/W                       |                                              |
 * |12 | FAA mode (NMEA 2.3+)      | A/D/E/F/M/N/P/R/S                            |
 * |13 | nav status (NMEA 4.10)    | unused                                       |
 */
export function decodeRmc(talker: string, f: readonly string[]): RmcSentence {
  return {
    type: "RMC",
    talker,
    timeOfDayMs: timeOfDay(f[1]),
    status: status(f[2]),
    lat: coordinate(f[3], f[4], "lat"),
    lon: coordinate(f[5], f[6], "lon"),
    speedKnots: nonNegative(f[7]),
    courseTrue: nonNegative(f[8]),
    date: rmcDate(f[9]),
    mode: mode(f[12]),
  };
}

const ggaQualityCodes: readonly GGAPacket["fixType"][] = [
  "none",
  "fix",
  "delta",
  "pps",
  "rtk",
  "frtk",
  "estimated",
  "manual",
  "simulation",
];

/**
 * GGA — fix data.
 * | # | field                        | notes                                             |
 * |---|------------------------------|---------------------------------------------------|
 * | 1 | hhmmss.ss UTC                | no date: nmea-simple's Date uses the system clock  |
 * | 2 | latitude  | 3 | N/S          |                                                   |
 * | 4 | longitude | 5 | E/W          |                                                   |
 * | 6 | quality                      | 0 none 1 GPS 2 DGPS 3 PPS 4 RTK 5 float RTK        |
 * |   |                              | 6 estimated 7 manual 8 simulation                  |
 * | 7 | satellites used              |                                                   |
 * | 8 | HDOP                         |                                                   |
 * | 9 | altitude MSL | 10 | M        | metres above the geoid                            |
 * |11 | geoid separation | 12 | M    | unused                                            |
 * |13 | DGPS age | 14 | station id  | unused                                            |
 */
export function decodeGga(talker: string, f: readonly string[], packet: GGAPacket): GgaSentence {
  // nmea-simple maps the code to a name but reads an empty field as "none": keep null for empty.
  const code = integer(f[6]) === null ? -1 : ggaQualityCodes.indexOf(packet.fixType);
  return {
    type: "GGA",
    talker,
    timeOfDayMs: timeOfDay(f[1]),
    lat: coordinate(f[2], f[3], "lat"),
    lon: coordinate(f[4], f[5], "lon"),
    quality: code >= 0 ? code : null,
    satsUsed: integer(f[7]),
    hdop: nonNegative(f[8]),
    // A unit other than metres (or none when the value is there) is not something we can trust.
    altMsl: f[10] === "M" || f[10] === "" ? decimal(f[9]) : null,
  };
}

/**
 * GLL — geographic position.
 * | # | field                     | notes                                  |
 * |---|---------------------------|----------------------------------------|
 * | 1 | latitude  | 2 | N/S       |                                        |
 * | 3 | longitude | 4 | E/W       |                                        |
 * | 5 | hhmmss.ss UTC             | NMEA 2.0+, absent in NMEA 1.5          |
 * | 6 | status A/V                |                                        |
 * | 7 | FAA mode (NMEA 2.3+)      |                                        |
 */
export function decodeGll(talker: string, f: readonly string[]): GllSentence {
  return {
    type: "GLL",
    talker,
    lat: coordinate(f[1], f[2], "lat"),
    lon: coordinate(f[3], f[4], "lon"),
    timeOfDayMs: timeOfDay(f[5]),
    status: status(f[6]),
    mode: mode(f[7]),
  };
}

/**
 * GNS — multi-constellation fix data.
 * | # | field                     | notes                                               |
 * |---|---------------------------|-----------------------------------------------------|
 * | 1 | hhmmss.ss UTC             |                                                     |
 * | 2 | latitude  | 3 | N/S       |                                                     |
 * | 4 | longitude | 5 | E/W       |                                                     |
 * | 6 | mode, one char per system | GPS, GLONASS, Galileo, BeiDou...: A/D/E/F/M/N/P/R/S |
 * | 7 | satellites used           |                                                     |
 * | 8 | HDOP                      |                                                     |
 * | 9 | altitude MSL, metres      |                                                     |
 * |10 | geoid separation          | unused                                              |
 * |11 | DGPS age | 12 | station   | unused                                              |
 * |13 | nav status (NMEA 4.10)    | unused                                              |
 */
export function decodeGns(talker: string, f: readonly string[]): GnsSentence {
  return {
    type: "GNS",
    talker,
    timeOfDayMs: timeOfDay(f[1]),
    lat: coordinate(f[2], f[3], "lat"),
    lon: coordinate(f[4], f[5], "lon"),
    modes: mode(f[6]),
    satsUsed: integer(f[7]),
    hdop: nonNegative(f[8]),
    altMsl: decimal(f[9]),
  };
}

/**
 * VTG — track and speed over ground.
 * | # | field              | # | field               |
 * |---|--------------------|---|---------------------|
 * | 1 | course, ° true     | 2 | T                   |
 * | 3 | course, ° magnetic | 4 | M                   |
 * | 5 | speed, knots       | 6 | N                   |
 * | 7 | speed, km/h        | 8 | K                   |
 * | 9 | FAA mode (2.3+)    |   |                     |
 * NMEA 1.x wrote `$--VTG,true,magnetic,knots,kmh` without the unit letters: recognised by the
 * missing `T` in field 2.
 */
export function decodeVtg(talker: string, f: readonly string[]): VtgSentence {
  if (f[2] !== "T" && f.length === 5) {
    return {
      type: "VTG",
      talker,
      courseTrue: nonNegative(f[1]),
      speedKnots: nonNegative(f[3]),
      speedKmh: nonNegative(f[4]),
      mode: null,
    };
  }
  return {
    type: "VTG",
    talker,
    courseTrue: nonNegative(f[1]),
    speedKnots: nonNegative(f[5]),
    speedKmh: nonNegative(f[7]),
    mode: mode(f[9]),
  };
}

/**
 * ZDA — time and date.
 * | # | field           | notes                      |
 * |---|-----------------|----------------------------|
 * | 1 | hhmmss.ss UTC   |                            |
 * | 2 | day 01-31       |                            |
 * | 3 | month 01-12     |                            |
 * | 4 | year, 4 digits  | no century to guess        |
 * | 5 | zone hours      | unused (fixes are UTC)     |
 * | 6 | zone minutes    | unused                     |
 */
export function decodeZda(talker: string, f: readonly string[]): ZdaSentence {
  return { type: "ZDA", talker, timeOfDayMs: timeOfDay(f[1]), date: zdaDate(f[2], f[3], f[4]) };
}
