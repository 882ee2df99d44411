/**
 * The verdict on the real bdx-07 profile, parsed by the contract schema and passed to the domain as
 * is: this also proves that profile items fit `ReadinessItem` (tsc checks this file).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { equipmentBody } from "../../../../src/contracts/telemetry.ts";
import { vehicleProfileSchema } from "../../../../src/contracts/vehicle-profile.ts";
import {
  applyReading,
  type EquipmentReading,
  type EquipmentState,
  emptyEquipmentState,
  type ReadinessItem,
} from "../../../../src/domain/equipment/equipment-state.ts";
import {
  type AssessmentInput,
  assessEquipment,
  gateAvailability,
  type ReadinessVerdict,
} from "../../../../src/domain/equipment/readiness-verdict.ts";
import type { CheckRecord } from "../../../../src/domain/equipment/technician-checks.ts";

const profile = vehicleProfileSchema.parse(
  JSON.parse(readFileSync(new URL("../../../../hardware/profiles/bdx-07.json", import.meta.url), "utf8")),
);
const items: readonly ReadinessItem[] = profile.equipment;
const now = Date.parse("2026-11-23T21:04:05Z");
const today = "2026-11-23";

/** Every bdx-07 item healthy, 5 s ago. */
const healthy: EquipmentReading[] = [
  { record: "O2", slot: 1, at: now - 5000, pressureBar: 150, flowLpm: 0 },
  { record: "ECG", slot: 1, at: now - 5000, batteryPct: 80, selftest: "P", charging: true, docked: true },
  { record: "BAG", slot: 1, at: now - 5000, present: true },
  { record: "TMP", slot: 1, at: now - 5000, celsius: 19.5 },
  { record: "VEH", at: now - 5000, ignition: false, supplyMv: 12_600 },
];
const allChecks = Object.fromEntries(
  Object.values(profile.checks).flatMap((list) =>
    list.items.map((check) => [check.id, { at: now - 3_600_000, result: "pass" } as CheckRecord]),
  ),
);

function stateOf(readings: EquipmentReading[]): EquipmentState {
  return readings.reduce((state, reading) => applyReading(state, items, reading).state, emptyEquipmentState);
}
function verdict(overrides: Partial<AssessmentInput> = {}, readings = healthy): ReadinessVerdict {
  return assessEquipment({
    items,
    state: stateOf(readings),
    now,
    today,
    link: "up",
    checks: profile.checks,
    lastChecks: allChecks,
    ...overrides,
  });
}
const replace = (reading: EquipmentReading) => [
  ...healthy.filter((r) => r.record !== reading.record),
  reading,
];
const stateOfItem = (v: ReadinessVerdict, id: string) => v.items.find((item) => item.id === id)?.state;

describe("readiness verdict", () => {
  it("is ready when every item is ok, and the gate allows under either policy", () => {
    const v = verdict();
    expect(v.readiness).toBe("ready");
    expect(v.items.map((item) => [item.id, item.state])).toEqual([
      ["ecg", "ok"],
      ["bavu", "ok"],
      ["o2-b5", "ok"],
      ["infusion-kit", "ok"],
      ["drug-kit", "ok"],
      ["drug-storage", "ok"],
      ["power", "ok"],
    ]);
    expect(gateAvailability(v, "block")).toEqual({ allowed: true, warnings: [], blockingReasons: [] });
  });

  it("carries the readings, times and expiry dates the equipment message needs", () => {
    const v = verdict();
    expect(v.items.find((item) => item.id === "o2-b5")).toMatchObject({
      readings: { pressure_bar: 150, flow_lpm: 0, autonomy_min: 43 },
      checkedAt: now - 5000,
    });
    expect(v.items.find((item) => item.id === "drug-kit")).toMatchObject({
      expiresOn: "2027-01-31",
      checkedAt: now - 3_600_000,
    });
  });

  it("maps onto a valid `equipment` body (PROTOCOL.md A)", () => {
    const v = verdict({}, replace({ record: "O2", slot: 1, at: now - 5000, pressureBar: 56, flowLpm: 0 }));
    const body = {
      ready: gateAvailability(v, "block").allowed,
      items: v.items.map((item) => ({
        id: item.id,
        kind: item.kind,
        state: item.state,
        reasons: item.findings.map((finding) => finding.text.fr),
        ...(item.readings ? { readings: item.readings } : {}),
        ...(item.checkedAt === undefined ? {} : { checkedAt: new Date(item.checkedAt).toISOString() }),
        ...(item.expiresOn ? { expiresOn: item.expiresOn } : {}),
      })),
    };
    expect(equipmentBody.safeParse(body).success).toBe(true);
    expect(body.ready).toBe(false);
  });

  it("is not ready with an oxygen fault; 'block' refuses available, 'warn' only warns", () => {
    const v = verdict({}, replace({ record: "O2", slot: 1, at: now - 5000, pressureBar: 56, flowLpm: 0 }));
    expect(v.readiness).toBe("not_ready");
    const blocked = gateAvailability(v, "block");
    expect(blocked.allowed).toBe(false);
    expect(blocked.blockingReasons.map((r) => r.text)).toEqual([
      {
        fr: "Oxygène : 12 min d'autonomie à 15 L/min (réserve 20 bar)",
        en: "Oxygen: 12 min left at 15 L/min",
      },
    ]);
    expect(blocked.warnings).toEqual([]);
    const warned = gateAvailability(v, "warn");
    expect(warned.allowed).toBe(true);
    expect(warned.blockingReasons).toEqual([]);
    expect(warned.warnings.map((r) => [r.itemId, r.state, r.reason.code])).toEqual([
      ["o2-b5", "fault", "oxygen_autonomy"],
    ]);
  });

  it("is degraded with a warning, which never blocks", () => {
    const v = verdict({}, replace({ record: "VEH", at: now - 5000, ignition: false, supplyMv: 11_700 }));
    expect(v.readiness).toBe("degraded");
    const gate = gateAvailability(v, "block");
    expect(gate.allowed).toBe(true);
    expect(gate.warnings.map((r) => r.text.en)).toEqual(["Vehicle battery: 11.7 V with the ignition off"]);
  });

  it("marks every sensor item unknown when nothing was ever received, not ok", () => {
    const v = verdict({}, []);
    expect(v.readiness).toBe("degraded");
    for (const id of ["ecg", "bavu", "o2-b5", "drug-storage", "power"])
      expect(stateOfItem(v, id)).toBe("unknown");
    expect(v.items.find((item) => item.id === "ecg")?.findings.map((f) => f.text.fr)).toEqual([
      "ECG : aucune donnée reçue",
    ]);
    expect(stateOfItem(v, "drug-kit")).toBe("ok");
    expect(gateAvailability(v, "block").allowed).toBe(true);
  });

  it("marks sensor items unknown when the controller link is lost, however fresh the data", () => {
    const v = verdict({ link: "lost" });
    expect(v.items.filter((item) => item.state === "unknown").map((item) => item.id)).toEqual([
      "ecg",
      "bavu",
      "o2-b5",
      "drug-storage",
      "power",
    ]);
    expect(v.items.find((item) => item.id === "bavu")?.findings[0]?.text.en).toBe(
      "Bag valve mask: equipment controller link lost",
    );
  });

  it("takes a record exactly 30 s old as fresh and 30.001 s old as stale, without judging stale values", () => {
    const at30 = replace({ record: "O2", slot: 1, at: now - 30_000, pressureBar: 56, flowLpm: 0 });
    expect(stateOfItem(verdict({}, at30), "o2-b5")).toBe("fault");
    const stale = replace({ record: "O2", slot: 1, at: now - 30_001, pressureBar: 56, flowLpm: 0 });
    const item = verdict({}, stale).items.find((i) => i.id === "o2-b5");
    expect(item?.state).toBe("unknown");
    expect(item?.findings.map((f) => f.text.fr)).toEqual(["Oxygène : pas de données depuis 30 s"]);
    expect(item?.readings).toMatchObject({ pressure_bar: 56 });
  });

  it("takes the stale threshold as an option", () => {
    const old = replace({ record: "BAG", slot: 1, at: now - 50_000, present: true });
    expect(stateOfItem(verdict({ options: { staleAfterMs: 60_000 } }, old), "bavu")).toBe("ok");
  });

  it("still counts the temperature history when the link is lost", () => {
    const hot: EquipmentReading[] = [];
    for (let at = now - 60 * 60_000; at <= now - 30 * 60_000; at += 30_000)
      hot.push({ record: "TMP", slot: 1, at, celsius: 29 });
    hot.push({ record: "TMP", slot: 1, at: now - 29 * 60_000, celsius: 20 });
    const item = verdict({ link: "lost" }, [...healthy.filter((r) => r.record !== "TMP"), ...hot]).items.find(
      (i) => i.id === "drug-storage",
    );
    expect(item?.state).toBe("warning");
    expect(item?.findings.map((f) => f.reason.code)).toEqual(["link_lost", "temperature_excursion"]);
    expect(item?.readings).toMatchObject({ celsius: 20, out_of_range_min_24h: 31 });
  });

  it("warns about an ECG out of its dock while driving, driving taken from the VEH ignition", () => {
    const readings = [
      ...healthy.filter((r) => r.record !== "ECG" && r.record !== "VEH"),
      {
        record: "ECG",
        slot: 1,
        at: now - 1000,
        batteryPct: 90,
        selftest: "P",
        charging: false,
        docked: false,
      },
      { record: "VEH", at: now - 1000, ignition: true, supplyMv: 14_200 },
    ] satisfies EquipmentReading[];
    expect(stateOfItem(verdict({}, readings), "ecg")).toBe("warning");
    expect(stateOfItem(verdict({ driving: false }, readings), "ecg")).toBe("ok");
  });

  it("uses the profile's ECG thresholds (bdx-07, as issue 5: warn under 20 %, fault under 10 %)", () => {
    const ecg = (batteryPct: number) =>
      replace({
        record: "ECG",
        slot: 1,
        at: now - 1000,
        batteryPct,
        selftest: "P",
        charging: false,
        docked: true,
      });
    expect(stateOfItem(verdict({}, ecg(20)), "ecg")).toBe("ok");
    expect(stateOfItem(verdict({}, ecg(19)), "ecg")).toBe("warning");
    expect(stateOfItem(verdict({}, ecg(10)), "ecg")).toBe("warning");
    expect(stateOfItem(verdict({}, ecg(9)), "ecg")).toBe("fault");
  });

  it("is not ready when a kit has expired, in the car's calendar", () => {
    const v = verdict({ today: "2027-02-01" });
    expect(stateOfItem(v, "drug-kit")).toBe("fault");
    expect(v.items.find((item) => item.id === "drug-kit")?.findings[0]?.text.fr).toBe(
      "Trousse médicaments : date de péremption dépassée (31/01/2027)",
    );
    expect(v.readiness).toBe("not_ready");
  });

  it("turns an item with an overdue technician check to warning", () => {
    const lastChecks = {
      ...allChecks,
      "bavu-function": { at: now - 8 * 86_400_000, result: "pass" as const },
    };
    const item = verdict({ lastChecks }).items.find((i) => i.id === "bavu");
    expect(item?.state).toBe("warning");
    expect(item?.findings[0]?.text.en).toBe(
      "Bag valve mask: check “BAVU function test (valve, bag)” overdue (last 8 d ago)",
    );
  });

  it("applies the stored drugs' expiry given per compartment", () => {
    expect(stateOfItem(verdict({ expiresOn: { "drug-storage": "2026-11-22" } }), "drug-storage")).toBe(
      "fault",
    );
  });

  it("names items by their label when the profile has two of a kind", () => {
    const spare = {
      ...profile.equipment.find((item) => item.kind === "oxygen"),
      id: "o2-spare",
      slot: 2,
      label: { fr: "Bouteille B5 de secours", en: "Spare B5 cylinder" },
    } as ReadinessItem;
    const v = assessEquipment({ items: [...items, spare], state: stateOf(healthy), now, today, link: "up" });
    expect(v.items.find((item) => item.id === "o2-spare")?.findings[0]?.text.fr).toBe(
      "Bouteille B5 de secours : aucune donnée reçue",
    );
  });
});
