/**
 * The whole car for the command-inbox and UI API fuzz targets: the real terminal core in this
 * process (test/support/kiosk-rig.ts: real mosquitto, real SQLite file, the doctor signed in) with
 * a logger whose error lines the targets read.
 */
import { KioskRig } from "../../../support/kiosk-rig.ts";
import { type ErrorLogCapture, errorLogCapture } from "./error-log.ts";

export interface FuzzCar {
  rig: KioskRig;
  errors: ErrorLogCapture;
  port: number;
}

export async function startFuzzCar(): Promise<FuzzCar> {
  const errors = errorLogCapture();
  const rig = await KioskRig.start({ gnss: false, equipment: false, logger: errors.logger });
  return { rig, errors, port: Number(new URL(rig.url).port) };
}
