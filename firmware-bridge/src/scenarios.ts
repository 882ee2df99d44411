/**
 * What the emulated controller reports, as pure functions of the simulated second `t` (t = 0, 1,
 * 2...). Nothing here reads a clock or draws a random number from outside: the same scenario and
 * `t` always give the same lines, so tests and demos are reproducible.
 *
 * The equipment is BDX-07's (hardware/profiles/bdx-07.json): O2 slot 1 is a B5 cylinder (5 L
 * water volume, 200 bar full), ECG slot 1, BAVU bracket slot 1, drug compartment TMP slot 1
 * (allowed 2–25 °C), and the vehicle supply.
 */

import { frameSentence } from "../../src/contracts/nmea-framing.ts";
import type { PsosEquipmentRecord, PsosRecordOf } from "../../src/contracts/psos.ts";
import { encodePsos } from "./psos-codec.ts";

export const scenarioNames = [
  "normal",
  "cylinder-draining",
  "ecg-selftest-fail",
  "bag-removed",
  "fridge-warming",
  "controller-reboot",
  "line-noise",
] as const;
export type ScenarioName = (typeof scenarioNames)[number];

/** A piece of junk on the line. `glue`: written without a line end, in front of the next sentence. */
export interface NoiseEntry {
  kind: "garbage" | "bad_checksum" | "truncated" | "unknown_record" | "out_of_range";
  text: string;
  glue: boolean;
}

export interface Scenario {
  name: ScenarioName;
  description: string;
  /** Every equipment record at second `t` (the controller sends them on change and periodically). */
  equipment(t: number): PsosEquipmentRecord[];
  /** Controller uptime at `t` in seconds, or null while it is silent (rebooting). */
  uptime(t: number): number | null;
  /** Junk written at second `t`, besides the valid sentences. Each entry is exactly one bad line for a host. */
  noise(t: number): NoiseEntry[];
}

/** B5 cylinder: 5 L water volume. Gas litres ≈ bar × water volume, so bar/min = flow / 5. */
export const b5WaterVolumeL = 5;
/** Uptime when the emulator starts: the controller was powered on an hour before. */
const initialUptimeS = 3600;

/** Tenths: gauges and probes report one decimal. */
function tenth(x: number): number {
  return Math.round(x * 10) / 10;
}

interface State {
  pressureBar: number;
  flowLpm: number;
  selftest: PsosRecordOf<"ECG">["selftest"];
  bagPresent: boolean;
  celsius: number;
}

/** The compartment breathes ±0.4 °C around 18 °C over ten minutes (the cabin's heating cycling). */
function normalState(t: number): State {
  return {
    pressureBar: 186.5,
    flowLpm: 0,
    selftest: "pass",
    bagPresent: true,
    celsius: tenth(18 + 0.4 * Math.sin((2 * Math.PI * t) / 600)),
  };
}

function records(s: State): PsosEquipmentRecord[] {
  return [
    { record: "O2", slot: 1, pressure_bar: s.pressureBar, flow_lpm: s.flowLpm },
    { record: "ECG", slot: 1, battery_pct: 92, selftest: s.selftest, charging: true, docked: true },
    { record: "BAG", slot: 1, present: s.bagPresent },
    { record: "TMP", slot: 1, celsius: s.celsius },
    { record: "VEH", ignition: true, supply_mV: 13_820 },
  ];
}

const steadyUptime = (t: number): number => initialUptimeS + t;
const quiet = (): NoiseEntry[] => [];

function scenarioOf(
  name: ScenarioName,
  description: string,
  state: (t: number) => State,
  extra: Partial<Pick<Scenario, "uptime" | "noise">> = {},
): Scenario {
  return {
    name,
    description,
    equipment: (t) => records(state(t)),
    uptime: extra.uptime ?? steadyUptime,
    noise: extra.noise ?? quiet,
  };
}

/** Reboots at t = 5, 125, 245...: silent for 8 s (more than the host's 5 s), then uptime restarts at 0. */
export const rebootAtS = 5;
export const rebootEveryS = 120;
export const rebootSilenceS = 8;

function rebootingUptime(t: number): number | null {
  if (t < rebootAtS) return initialUptimeS + t;
  const intoCycle = (t - rebootAtS) % rebootEveryS;
  return intoCycle < rebootSilenceS ? null : intoCycle - rebootSilenceS;
}

/** mulberry32: a tiny seeded PRNG, so that "random" noise is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Garbage bytes: any byte but CR and LF (they would end the line) and `$` (it would start a
 * sentence, making one junk piece count as two); the first byte is visible so the piece is never blank.
 */
function garbage(rand: () => number): string {
  let text = String.fromCharCode(0x21 + Math.floor(rand() * 3)); // ! " #
  const length = 4 + Math.floor(rand() * 36);
  while (text.length < length) {
    const byte = Math.floor(rand() * 256);
    if (byte !== 0x0a && byte !== 0x0d && byte !== 0x24) text += String.fromCharCode(byte);
  }
  return text;
}

function lineNoise(t: number): NoiseEntry[] {
  const rand = prng(t * 2_654_435_761 + 17);
  const entries: NoiseEntry[] = [];
  const count = 1 + Math.floor(rand() * 2);
  const valid = encodePsos({ record: "O2", slot: 1, pressure_bar: 186.5, flow_lpm: 0 });
  for (let i = 0; i < count; i++) {
    const pick = Math.floor(rand() * 5);
    if (pick === 0) entries.push({ kind: "garbage", text: garbage(rand), glue: rand() < 0.5 });
    else if (pick === 1) {
      const wrong = ((Number.parseInt(valid.slice(-2), 16) + 1 + Math.floor(rand() * 254)) % 256)
        .toString(16)
        .toUpperCase()
        .padStart(2, "0");
      entries.push({ kind: "bad_checksum", text: `${valid.slice(0, -2)}${wrong}`, glue: false });
    } else if (pick === 2) {
      const cut = 1 + Math.floor(rand() * (valid.length - 2));
      entries.push({ kind: "truncated", text: valid.slice(0, cut), glue: false });
    } else if (pick === 3)
      entries.push({ kind: "unknown_record", text: frameSentence("PSOS,XYZ,1,2"), glue: false });
    else entries.push({ kind: "out_of_range", text: frameSentence("PSOS,O2,1,999.0,0"), glue: false });
  }
  return entries;
}

export const scenarios: Record<ScenarioName, Scenario> = {
  normal: scenarioOf(
    "normal",
    "Everything ready: B5 at 186.5 bar and closed, ECG passed, bag in place, 18 °C.",
    normalState,
  ),
  "cylinder-draining": scenarioOf(
    "cylinder-draining",
    "15 L/min from a full B5 (200 bar): −3 bar/min (flow ÷ 5 L water volume), empty after ~67 min.",
    (t) => {
      const pressureBar = Math.max(0, tenth(200 - ((15 / b5WaterVolumeL) * t) / 60));
      return { ...normalState(t), pressureBar, flowLpm: pressureBar > 0 ? 15 : 0 };
    },
  ),
  "ecg-selftest-fail": scenarioOf(
    "ecg-selftest-fail",
    "The ECG runs its self-test at t = 10 s (unknown while running) and fails it at t = 15 s.",
    (t) => ({ ...normalState(t), selftest: t < 10 ? "pass" : t < 15 ? "unknown" : "fail" }),
  ),
  "bag-removed": scenarioOf(
    "bag-removed",
    "The BAVU leaves its bracket at t = 10 s and is not put back.",
    (t) => ({
      ...normalState(t),
      bagPresent: t < 10,
    }),
  ),
  "fridge-warming": scenarioOf(
    "fridge-warming",
    "The drug compartment's cooling fails: +1 °C/min from 21 °C, past 25 °C at t = 4 min, up to 45 °C.",
    (t) => ({ ...normalState(t), celsius: Math.min(45, tenth(21 + t / 60)) }),
  ),
  "controller-reboot": scenarioOf(
    "controller-reboot",
    `The controller reboots at t = ${rebootAtS} s and every ${rebootEveryS} s: ${rebootSilenceS} s of silence, then uptime from 0.`,
    normalState,
    { uptime: rebootingUptime },
  ),
  "line-noise": scenarioOf(
    "line-noise",
    "Normal equipment, with 1–2 pieces of junk a second: garbage bytes, bad checksums, truncated lines, unknown records, out-of-range fields.",
    normalState,
    { noise: lineNoise },
  ),
};

export function isScenarioName(name: string): name is ScenarioName {
  return (scenarioNames as readonly string[]).includes(name);
}
