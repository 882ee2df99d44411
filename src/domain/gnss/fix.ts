/**
 * A trusted GNSS fix, as the car reports it (PROTOCOL.md part A, `position` body).
 *
 * A field the receiver did not give is absent, never 0: an empty NMEA field that became 0 once
 * put a car on "null island" and an empty magnetic variation caused a 13° course error
 * (nmea0183-signalk). `fixTime` is GNSS time, never the system clock.
 */
export type FixKind = "2d" | "3d" | "dgps" | "rtk" | "estimated";

export interface Fix {
  /** GNSS time of the fix, ISO 8601 UTC with milliseconds. */
  fixTime: string;
  /** WGS84 degrees. */
  lat: number;
  lon: number;
  /** Metres above mean sea level. */
  alt?: number;
  /** Metres per second over ground. */
  speed?: number;
  /** Degrees true, [0, 360). */
  heading?: number;
  fix: FixKind;
  /** Satellites used in the solution. */
  sats?: number;
  hdop?: number;
}
