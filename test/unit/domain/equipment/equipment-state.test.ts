import { describe, expect, it } from "vitest";
import {
  applyReading,
  type EquipmentReading,
  type EquipmentState,
  emptyEquipmentState,
  type ReadinessItem,
} from "../../../../src/domain/equipment/equipment-state.ts";

const items: ReadinessItem[] = [
  {
    id: "o2-main",
    kind: "oxygen",
    slot: 1,
    cylinder: { waterVolumeL: 5, reserveBar: 20 },
    referenceFlowLpm: 15,
    warnMinutes: 30,
    faultMinutes: 15,
  },
  {
    id: "o2-spare",
    kind: "oxygen",
    slot: 2,
    cylinder: { waterVolumeL: 2, reserveBar: 20 },
    referenceFlowLpm: 15,
    warnMinutes: 30,
    faultMinutes: 15,
  },
  { id: "fridge", kind: "drug_storage", slot: 1, minC: 2, maxC: 25, excursionToleranceMinutes: 15 },
];
const t0 = 1_800_000_000_000;

function feed(readings: EquipmentReading[], state: EquipmentState = emptyEquipmentState) {
  const events = [];
  for (const reading of readings) {
    const applied = applyReading(state, items, reading);
    state = applied.state;
    events.push(...applied.events);
  }
  return { state, events };
}

describe("equipment state", () => {
  it("keeps the latest reading of each item, found by record and slot", () => {
    const { state } = feed([
      { record: "O2", slot: 1, at: t0, pressureBar: 150, flowLpm: 0 },
      { record: "O2", slot: 2, at: t0 + 1, pressureBar: 90, flowLpm: 0 },
      { record: "O2", slot: 1, at: t0 + 2, pressureBar: 149, flowLpm: 6 },
    ]);
    expect(state.latest["o2-main"]).toEqual({
      record: "O2",
      slot: 1,
      at: t0 + 2,
      pressureBar: 149,
      flowLpm: 6,
    });
    expect(state.latest["o2-spare"]).toMatchObject({ pressureBar: 90 });
  });

  it("does not change the state it was given", () => {
    const before = emptyEquipmentState;
    applyReading(before, items, { record: "O2", slot: 1, at: t0, pressureBar: 150, flowLpm: 0 });
    expect(before).toEqual({ latest: {}, temperature: {}, vehicle: null });
  });

  it("ignores a reading older than the item's latest", () => {
    const { state } = feed([
      { record: "O2", slot: 1, at: t0 + 10, pressureBar: 150, flowLpm: 0 },
      { record: "O2", slot: 1, at: t0, pressureBar: 40, flowLpm: 0 },
    ]);
    expect(state.latest["o2-main"]).toMatchObject({ pressureBar: 150 });
  });

  it("returns a cylinder change event, with the item, when a closed cylinder's pressure jumps", () => {
    const { events } = feed([
      { record: "O2", slot: 1, at: t0, pressureBar: 35, flowLpm: 0 },
      { record: "O2", slot: 1, at: t0 + 1000, pressureBar: 0, flowLpm: 0 },
      { record: "O2", slot: 1, at: t0 + 90_000, pressureBar: 201, flowLpm: 0 },
    ]);
    expect(events).toEqual([
      { type: "oxygen.cylinder_changed", itemId: "o2-main", at: t0 + 90_000, fromBar: 0, toBar: 201 },
    ]);
  });

  it("reports a record on a slot the profile does not know, and keeps nothing from it", () => {
    const { state, events } = feed([{ record: "BAG", slot: 3, at: t0, present: false }]);
    expect(events).toEqual([{ type: "equipment.unmapped_reading", record: "BAG", slot: 3, at: t0 }]);
    expect(state.latest).toEqual({});
  });

  it("keeps the ignition from VEH even without a vehicle_power item, silently", () => {
    const { state, events } = feed([{ record: "VEH", at: t0, ignition: true, supplyMv: 14_100 }]);
    expect(state.vehicle).toEqual({ at: t0, ignition: true, supplyMv: 14_100 });
    expect(events).toEqual([]);
  });

  it("folds TMP records into the compartment's temperature log", () => {
    const { state } = feed([
      { record: "TMP", slot: 1, at: t0, celsius: 30 },
      { record: "TMP", slot: 1, at: t0 + 30_000, celsius: 31 },
    ]);
    expect(state.temperature.fridge).toMatchObject({
      excursionStart: t0,
      last: { at: t0 + 30_000, celsius: 31 },
    });
  });
});
