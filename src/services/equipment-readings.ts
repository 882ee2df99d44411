/**
 * From the codec's `$PSOS` record (src/contracts/psos.ts: wire field names, `null` for a sensor that
 * is not reading) to the domain's `EquipmentReading` (src/domain/equipment/equipment-state.ts:
 * camelCase, numbers only, the receive time as `at`). It lives here, not in the domain, because the
 * domain may not import contracts (DESIGN.md §2, test/unit/architecture.test.ts).
 *
 * A record whose measured value is empty (`$PSOS,O2,1,,0`) cannot be judged: it becomes a `blank`
 * for its item, and the monitor forgets the item's last reading, so that the item turns `unknown`
 * at once instead of being judged on an older value for up to 30 s (a 186 bar gauge that now reads
 * nothing proves nothing). An empty value is never turned into 0 (DESIGN.md §5, nmea0183-signalk).
 */
import type { PsosRecord } from "../contracts/psos.ts";
import type { SelfTest } from "../domain/equipment/ecg-readiness.ts";
import {
  type EquipmentReading,
  type EquipmentRecord,
  isSensorKind,
  type ReadinessItem,
  recordOfKind,
} from "../domain/equipment/equipment-state.ts";

export type MappedRecord =
  | { readonly kind: "reading"; readonly reading: EquipmentReading }
  /** A record with an empty measured value: `field` names the first empty one. */
  | {
      readonly kind: "blank";
      readonly record: EquipmentRecord;
      readonly slot: number | null;
      readonly field: string;
    }
  /** HB and REQ: about the link, not the equipment. */
  | { readonly kind: "link" };

const selftestLetters = { pass: "P", fail: "F", unknown: "U" } as const satisfies Record<string, SelfTest>;

export function mapPsosRecord(record: PsosRecord, receivedAt: number): MappedRecord {
  const at = receivedAt;
  switch (record.record) {
    case "HB":
    case "REQ":
      return { kind: "link" };
    case "O2": {
      const { slot, pressure_bar: pressureBar, flow_lpm: flowLpm } = record;
      if (pressureBar === null) return blank("O2", slot, "pressure_bar");
      if (flowLpm === null) return blank("O2", slot, "flow_lpm");
      return { kind: "reading", reading: { record: "O2", slot, at, pressureBar, flowLpm } };
    }
    case "ECG": {
      const { slot, battery_pct: batteryPct } = record;
      if (batteryPct === null) return blank("ECG", slot, "battery_pct");
      const { charging, docked } = record;
      const selftest = selftestLetters[record.selftest];
      return {
        kind: "reading",
        reading: { record: "ECG", slot, at, batteryPct, selftest, charging, docked },
      };
    }
    case "BAG":
      return { kind: "reading", reading: { record: "BAG", slot: record.slot, at, present: record.present } };
    case "TMP":
      if (record.celsius === null) return blank("TMP", record.slot, "celsius");
      return { kind: "reading", reading: { record: "TMP", slot: record.slot, at, celsius: record.celsius } };
    case "VEH":
      if (record.supply_mV === null) return blank("VEH", null, "supply_mV");
      return {
        kind: "reading",
        reading: { record: "VEH", at, ignition: record.ignition, supplyMv: record.supply_mV },
      };
  }
}

function blank(record: EquipmentRecord, slot: number | null, field: string): MappedRecord {
  return { kind: "blank", record, slot, field };
}

/** The profile item a record's record type and slot designate (VEH has no slot), if any. */
export function itemIdFor(
  items: readonly ReadinessItem[],
  record: EquipmentRecord,
  slot: number | null,
): string | undefined {
  return items.find(
    (item) =>
      isSensorKind(item.kind) &&
      recordOfKind[item.kind] === record &&
      (record === "VEH" || ("slot" in item && item.slot === slot)),
  )?.id;
}
