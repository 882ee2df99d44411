/**
 * Shared by the equipment monitor and reporter tests: the real bdx-07 profile, a controller feed
 * driven by the test (the EquipmentDriver's port), and a clock that follows vitest's fake timers.
 */
import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import { pino } from "pino";
import type { PsosRecord } from "../../../src/contracts/psos.ts";
import { vehicleProfileSchema } from "../../../src/contracts/vehicle-profile.ts";
import type { CheckRecord } from "../../../src/domain/equipment/technician-checks.ts";
import type { ControllerLink, EquipmentFeed } from "../../../src/services/equipment-monitor.ts";
import type { Clock } from "../../../src/services/ports.ts";

export const profile = vehicleProfileSchema.parse(
  JSON.parse(readFileSync(new URL("../../../hardware/profiles/bdx-07.json", import.meta.url), "utf8")),
);

/** Vitest fakes Date: both clocks follow `vi.advanceTimersByTime`. */
export const fakeClock: Clock = { now: () => Date.now(), monotonic: () => Date.now() };

export const t0 = Date.parse("2026-11-23T21:04:05.000Z");

/** Every check of the profile passed at `at`. */
export function allChecksPassed(at: number): Record<string, CheckRecord> {
  return Object.fromEntries(
    Object.values(profile.checks).flatMap((list) =>
      list.items.map((check) => [check.id, { at, result: "pass" } as CheckRecord]),
    ),
  );
}

/** The healthy BDX-07 equipment, as the controller sends it. */
export const healthyRecords: PsosRecord[] = [
  { record: "O2", slot: 1, pressure_bar: 186.5, flow_lpm: 0 },
  { record: "ECG", slot: 1, battery_pct: 92, selftest: "pass", charging: true, docked: true },
  { record: "BAG", slot: 1, present: true },
  { record: "TMP", slot: 1, celsius: 18 },
  { record: "VEH", ignition: true, supply_mV: 13_820 },
];

export class FakeFeed implements EquipmentFeed {
  private link: ControllerLink = { state: "stopped", since: 0 };
  private readonly recordListeners = new Set<(record: PsosRecord, receivedAt: number) => void>();
  private readonly linkListeners = new Set<(link: ControllerLink) => void>();

  onRecord(listener: (record: PsosRecord, receivedAt: number) => void): () => void {
    this.recordListeners.add(listener);
    return () => this.recordListeners.delete(listener);
  }

  onLink(listener: (link: ControllerLink) => void): () => void {
    this.linkListeners.add(listener);
    return () => this.linkListeners.delete(listener);
  }

  linkState(): ControllerLink {
    return this.link;
  }

  setLink(state: ControllerLink["state"]): void {
    this.link = { state, since: Date.now() };
    for (const listener of this.linkListeners) listener(this.link);
  }

  send(...records: PsosRecord[]): void {
    for (const record of records) for (const listener of this.recordListeners) listener(record, Date.now());
  }

  listenerCount(): number {
    return this.recordListeners.size + this.linkListeners.size;
  }
}

/** A pino logger whose JSON lines the test can read. */
export function capturingLogger() {
  const lines: Array<{ level: number; msg: string } & Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: "debug" }, stream), lines };
}
