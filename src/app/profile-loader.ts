/**
 * Loads and validates a vehicle profile (hardware/profiles/*.json), and combines its serial devices
 * with the config's overrides. Errors name the field path (`equipment[2].cylinder.reserveBar: ...`)
 * so that whoever edits the profile finds the mistake without reading zod output.
 */
import { readFileSync } from "node:fs";
import type { Config } from "../contracts/config.ts";
import { type VehicleProfile, vehicleProfileSchema } from "../contracts/vehicle-profile.ts";
import { describeValue, formatIssues } from "./config-loader.ts";

export class ProfileError extends Error {
  readonly problems: readonly string[];
  readonly path: string;

  constructor(path: string, problems: readonly string[]) {
    super(`Invalid vehicle profile (${path}):\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ProfileError";
    this.path = path;
    this.problems = problems;
  }
}

export interface LoadProfileOptions {
  readFile?: (path: string) => string;
}

export function parseVehicleProfile(value: unknown, path = "(profile)"): VehicleProfile {
  const result = vehicleProfileSchema.safeParse(value, { reportInput: true });
  if (!result.success) throw new ProfileError(path, formatIssues(result.error.issues));
  return result.data;
}

export function loadVehicleProfile(path: string, options: LoadProfileOptions = {}): VehicleProfile {
  const readFile = options.readFile ?? ((file: string) => readFileSync(file, "utf8"));
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    throw new ProfileError(path, [`cannot read the file (${(error as Error).message})`]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ProfileError(path, [`not valid JSON (${(error as Error).message})`]);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new ProfileError(path, [`expected a JSON object, got ${describeValue(value)}`]);
  return parseVehicleProfile(value, path);
}

export interface SerialSettings {
  port: string;
  baudRate: number;
}

/**
 * The serial devices to open: the profile describes the car; the config (file or SOSM_* env) may
 * override either field, e.g. a socat pty in development.
 */
export function resolveSerialPorts(
  config: Pick<Config, "gnss" | "equipment">,
  profile: VehicleProfile,
): { gnss: SerialSettings; equipment: SerialSettings } {
  return {
    gnss: {
      port: config.gnss.port ?? profile.ports.gnss.device,
      baudRate: config.gnss.baudRate ?? profile.ports.gnss.baudRate,
    },
    equipment: {
      port: config.equipment.port ?? profile.ports.equipment.device,
      baudRate: config.equipment.baudRate ?? profile.ports.equipment.baudRate,
    },
  };
}
