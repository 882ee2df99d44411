/**
 * The pure state the readiness rules read: the latest reading of each item with its receive time,
 * and the temperature log of each drug compartment. It is fed record by record:
 *   `applyReading(state, items, reading)` → `{ state, events }`
 * and returns events for the caller to log or publish (a swapped oxygen cylinder, a record on a
 * slot the profile does not know).
 *
 * `EquipmentReading` is the minimal decoded `$PSOS` record the domain needs (PROTOCOL.md B), with
 * camelCase fields and booleans for the 0/1 flags. It is deliberately not the codec's type
 * (src/contracts/psos.ts, written separately): the service maps one onto the other, and the domain
 * stays free of contracts (DESIGN.md §2). `HB` is absent: link loss is the caller's `link` input.
 *
 * `ReadinessItem` is the part of a vehicle-profile equipment item the rules use, with the profile's
 * field names (src/contracts/vehicle-profile.ts), so a parsed profile item can be passed as is.
 */
import type { BagReading } from "./bavu-readiness.ts";
import type {
  DrugStorageRule,
  ExcursionOptions,
  TemperatureLog,
  TemperatureReading,
} from "./drug-storage.ts";
import { defaultExcursionOptions, emptyTemperatureLog, recordTemperature } from "./drug-storage.ts";
import type { EcgReading, EcgRule } from "./ecg-readiness.ts";
import type { KitRule } from "./kit-expiry.ts";
import type { CylinderChanged, OxygenReading, OxygenRule } from "./oxygen-autonomy.ts";
import { detectCylinderChange } from "./oxygen-autonomy.ts";
import type { LocalizedText } from "./readiness-labels.ts";
import type { VehiclePowerRule, VehicleReading } from "./vehicle-power.ts";

export type EquipmentReading =
  | ({ readonly record: "O2"; readonly slot: number } & OxygenReading)
  | ({ readonly record: "ECG"; readonly slot: number } & EcgReading)
  | ({ readonly record: "BAG"; readonly slot: number } & BagReading)
  | ({ readonly record: "TMP"; readonly slot: number } & TemperatureReading)
  | ({ readonly record: "VEH" } & VehicleReading);

export type EquipmentRecord = EquipmentReading["record"];

interface ItemBase {
  readonly id: string;
  readonly label?: LocalizedText;
}

export type ReadinessItem =
  | (ItemBase & { readonly kind: "oxygen"; readonly slot: number } & OxygenRule)
  | (ItemBase & { readonly kind: "ecg"; readonly slot: number } & EcgRule)
  | (ItemBase & { readonly kind: "bavu"; readonly slot: number })
  | (ItemBase & { readonly kind: "drug_storage"; readonly slot: number } & DrugStorageRule)
  | (ItemBase & { readonly kind: "infusion_kit" | "drug_kit" } & KitRule)
  | (ItemBase & { readonly kind: "vehicle_power" } & VehiclePowerRule);

export type ReadinessKind = ReadinessItem["kind"];

/** Which record reports which kind (PROTOCOL.md B; the same table as the profile contract's). */
export const recordOfKind = {
  oxygen: "O2",
  ecg: "ECG",
  bavu: "BAG",
  drug_storage: "TMP",
  vehicle_power: "VEH",
} as const satisfies Partial<Record<ReadinessKind, EquipmentRecord>>;

/** The kinds a sensor reports on; kits have no sensor. */
export function isSensorKind(kind: ReadinessKind): kind is keyof typeof recordOfKind {
  return kind in recordOfKind;
}

export interface EquipmentState {
  /** Latest reading per item id. */
  readonly latest: Readonly<Record<string, EquipmentReading>>;
  /** Temperature log per drug compartment id. */
  readonly temperature: Readonly<Record<string, TemperatureLog>>;
  /** The latest `VEH` record, kept even when the profile has no vehicle_power item: it says the ignition. */
  readonly vehicle: VehicleReading | null;
}

export const emptyEquipmentState: EquipmentState = { latest: {}, temperature: {}, vehicle: null };

export type EquipmentEvent =
  | (CylinderChanged & { readonly itemId: string })
  | {
      readonly type: "equipment.unmapped_reading";
      readonly record: EquipmentRecord;
      readonly slot: number | null;
      readonly at: number;
    };

/** The profile item a record is about: same kind, same slot (VEH has no slot). */
export function itemForReading(
  items: readonly ReadinessItem[],
  reading: EquipmentReading,
): ReadinessItem | undefined {
  return items.find((item) => {
    if (!isSensorKind(item.kind) || recordOfKind[item.kind] !== reading.record) return false;
    return reading.record === "VEH" || ("slot" in item && item.slot === reading.slot);
  });
}

export interface StateOptions {
  readonly excursion: ExcursionOptions;
  /** Rise of a closed cylinder's pressure taken for a swap (oxygen-autonomy.ts). */
  readonly cylinderSwapRiseBar: number;
}

export const defaultStateOptions: StateOptions = {
  excursion: defaultExcursionOptions,
  cylinderSwapRiseBar: 20,
};

export interface AppliedReading {
  readonly state: EquipmentState;
  readonly events: readonly EquipmentEvent[];
}

/**
 * Folds one record into the state. A reading older than the item's latest one is ignored, so a
 * replayed or reordered record cannot roll an item back.
 */
export function applyReading(
  state: EquipmentState,
  items: readonly ReadinessItem[],
  reading: EquipmentReading,
  options: StateOptions = defaultStateOptions,
): AppliedReading {
  const vehicle =
    reading.record === "VEH" && (state.vehicle === null || reading.at >= state.vehicle.at)
      ? (({ record: _record, ...rest }) => rest)(reading)
      : state.vehicle;
  const item = itemForReading(items, reading);
  if (item === undefined) {
    const slot = reading.record === "VEH" ? null : reading.slot;
    // VEH without a vehicle_power item is expected (it still gives the ignition): no event.
    const events: EquipmentEvent[] =
      reading.record === "VEH"
        ? []
        : [{ type: "equipment.unmapped_reading", record: reading.record, slot, at: reading.at }];
    return { state: vehicle === state.vehicle ? state : { ...state, vehicle }, events };
  }
  const previous = state.latest[item.id];
  if (previous !== undefined && reading.at < previous.at) return { state, events: [] };
  const events: EquipmentEvent[] = [];
  if (reading.record === "O2") {
    const change = detectCylinderChange(
      previous?.record === "O2" ? previous : undefined,
      reading,
      options.cylinderSwapRiseBar,
    );
    if (change !== null) events.push({ ...change, itemId: item.id });
  }
  let { temperature } = state;
  if (reading.record === "TMP" && item.kind === "drug_storage") {
    const log = temperature[item.id] ?? emptyTemperatureLog;
    temperature = { ...temperature, [item.id]: recordTemperature(log, item, reading, options.excursion) };
  }
  return { state: { latest: { ...state.latest, [item.id]: reading }, temperature, vehicle }, events };
}
