/**
 * The fuzz targets by name. Loaded lazily: the NMEA target must not start a broker and a core.
 */
import type { FuzzTarget } from "../coverage-fuzzer.ts";

export const fuzzTargetNames = ["nmea", "psos", "command-inbox", "ui-http", "ui-ws"];
/** The fuzzer's self-check, not a product target. */
export const plantedTargetName = "planted";

export interface TargetOptions {
  /** Cap on the number of seeds (the NMEA fixtures alone hold thousands of blocks). */
  maxSeeds: number;
}

export async function loadFuzzTarget(name: string, options: TargetOptions): Promise<FuzzTarget> {
  switch (name) {
    case "nmea":
      return (await import("./nmea-target.ts")).nmeaTarget(options.maxSeeds);
    case "psos":
      return (await import("./psos-target.ts")).psosTarget(options.maxSeeds);
    case "command-inbox":
      return (await import("./command-inbox-target.ts")).commandInboxTarget();
    case "ui-http":
      return (await import("./ui-http-target.ts")).uiHttpTarget();
    case "ui-ws":
      return (await import("./ui-ws-target.ts")).uiWsTarget();
    case "planted":
      return (await import("./planted-target.ts")).plantedTarget();
    default:
      throw new RangeError(`no fuzz target ${name}`);
  }
}
