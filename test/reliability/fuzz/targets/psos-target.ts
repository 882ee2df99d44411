/**
 * Fuzz target: the host side of the equipment controller's `$PSOS` line (PROTOCOL.md B): the codec
 * (firmware-bridge/src/psos-codec.ts) checked on its own, and the same lines through the real
 * EquipmentDriver into the real EquipmentMonitor with the bdx-07 profile, as the core wires them.
 *
 * Crash: a throw out of `decodePsos` (documented never to throw) or its defensive `decoder error`
 * verdict; a record accepted outside the contract (psos.ts schema); an accepted record whose
 * canonical encoding does not decode back to the same record; a throw out of the driver's line
 * listener; an error logged by the driver or the monitor (a listener that failed).
 * Seeds: the emulator's lines for every scenario (noise scenario included) and the examples of
 * firmware-bridge/PROTOCOL.md.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { ControllerModel } from "../../../../firmware-bridge/src/emulator.ts";
import { EquipmentDriver } from "../../../../firmware-bridge/src/equipment-driver.ts";
import type { PsosLink, PsosLinkStatus } from "../../../../firmware-bridge/src/ports.ts";
import { decodePsos, encodePsos, splitPsosCandidates } from "../../../../firmware-bridge/src/psos-codec.ts";
import { scenarioNames, scenarios } from "../../../../firmware-bridge/src/scenarios.ts";
import { loadVehicleProfile } from "../../../../src/app/profile-loader.ts";
import { psosRecordSchema } from "../../../../src/contracts/psos.ts";
import { EquipmentMonitor } from "../../../../src/services/equipment-monitor.ts";
import { systemClock } from "../../../../src/services/ports.ts";
import { FuzzCrash, type FuzzTarget } from "../coverage-fuzzer.ts";
import { errorLogCapture } from "./error-log.ts";
import { fixNmeaChecksums } from "./nmea-target.ts";

const root = join(import.meta.dirname, "../../../..");

/** A line link the target writes into: the driver's side of the cable. */
class FuzzLink implements PsosLink {
  private readonly listeners = new Set<(line: string, receivedAt: number) => void>();
  private readonly statusListeners = new Set<(status: PsosLinkStatus) => void>();
  private current: PsosLinkStatus = { state: "connected", since: Date.now() };
  start(): void {
    for (const listener of this.statusListeners) listener(this.current);
  }
  async stop(): Promise<void> {
    this.current = { state: "stopped", since: Date.now() };
  }
  onLine(listener: (line: string, receivedAt: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  onStatus(listener: (status: PsosLinkStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }
  status(): PsosLinkStatus {
    return this.current;
  }
  async writeLine(): Promise<void> {}
  emit(line: string): void {
    for (const listener of this.listeners) listener(line, Date.now());
  }
}

export function psosSeeds(maxSeeds: number): string[] {
  const seeds: string[] = [];
  for (const name of scenarioNames) {
    const model = new ControllerModel(scenarios[name]);
    for (let t = 0; t < 120; t += 4) {
      const lines = [t, t + 1, t + 2, t + 3].flatMap((s) => model.tick(s)).map((line) => line.text);
      seeds.push(lines.join("\r\n"));
    }
  }
  const protocol = readFileSync(join(root, "firmware-bridge/PROTOCOL.md"), "utf8");
  for (const match of protocol.matchAll(/`(\$PSOS,[^`]*)`/g)) if (match[1]) seeds.push(match[1]);
  return seeds.slice(0, maxSeeds);
}

/** The codec on its own: what it accepts must be in the contract and survive a round trip. */
function checkCodec(line: string): void {
  for (const candidate of splitPsosCandidates(line)) {
    const result = decodePsos(candidate);
    if (!result.ok) {
      if (result.detail.startsWith("decoder error"))
        throw new FuzzCrash(`decodePsos caught a bug: ${result.detail}`);
      continue;
    }
    const checked = psosRecordSchema.safeParse(result.record);
    if (!checked.success)
      throw new FuzzCrash(`accepted outside the contract: ${JSON.stringify(result.record)}`);
    const again = decodePsos(encodePsos(result.record));
    if (!again.ok || !isDeepStrictEqual(again.record, result.record))
      throw new FuzzCrash(`round trip changed ${JSON.stringify(candidate)} into ${JSON.stringify(again)}`);
  }
}

export function psosTarget(maxSeeds: number): FuzzTarget {
  const errors = errorLogCapture();
  const link = new FuzzLink();
  let driver: EquipmentDriver | null = null;
  let monitor: EquipmentMonitor | null = null;
  return {
    name: "psos",
    sources: [
      "/firmware-bridge/src/",
      "/src/contracts/psos.ts",
      "/src/services/equipment-",
      "/src/domain/equipment/",
    ],
    maxInputBytes: 2048,
    dictionary: [
      "$PSOS,",
      "HB,",
      "O2,",
      "ECG,",
      "BAG,",
      "TMP,",
      "VEH,",
      "REQ,ALL",
      "XYZ,",
      "*",
      ",",
      ",,",
      "\r\n",
      "$",
      "P",
      "F",
      "U",
      "0",
      "1",
      "-0",
      "-40",
      "85",
      "300.01",
      "99999.99",
      "4294967295",
      "4294967296",
      "1.4.2",
      "13820",
      "30000",
      "186.5",
      "*00",
    ],
    async setup() {
      const profile = loadVehicleProfile(join(root, "hardware/profiles/bdx-07.json"));
      driver = new EquipmentDriver({ link, logger: errors.logger });
      monitor = new EquipmentMonitor({
        feed: driver,
        items: profile.equipment,
        checks: profile.checks,
        clock: systemClock,
        logger: errors.logger,
      });
      monitor.start();
      driver.start();
    },
    seeds: () => psosSeeds(maxSeeds).map((text) => Buffer.from(text, "latin1")),
    fixup: (input) => Buffer.from(fixNmeaChecksums(Buffer.from(input).toString("latin1")), "latin1"),
    exec(input) {
      errors.reset();
      for (const raw of Buffer.from(input).toString("latin1").split("\n")) {
        const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
        checkCodec(line);
        link.emit(line);
      }
      errors.throwIfAny();
    },
    async teardown() {
      monitor?.stop();
      await driver?.stop();
    },
  };
}
