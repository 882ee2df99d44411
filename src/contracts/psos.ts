/**
 * The records of the equipment controller's `$PSOS` line protocol (PROTOCOL.md B), as decoded
 * values. The line codec (firmware-bridge/src/psos-codec.ts) turns `$PSOS,O2,1,187.5,0*hh` into
 * `{ record: "O2", slot: 1, pressure_bar: 187.5, flow_lpm: 0 }` and back; these schemas are the
 * single source of truth for the ranges both directions enforce.
 *
 * Decisions (firmware-bridge/PROTOCOL.md documents them for firmware authors):
 * - Field names are the wire table's names (`pressure_bar`, `supply_mV`), so that a log line, the
 *   spec and the code read alike. Flags (0/1) become booleans and the self-test letter a word.
 * - A measured value may be empty on the wire when the sensor is not reading; it decodes as `null`,
 *   never 0 (DESIGN.md §5, nmea0183-signalk: an empty field once became a 13° course error). A
 *   0 bar reading means an empty cylinder; a null one means we do not know.
 * - Decimal values carry at most two decimals, so that every record has exactly one wire form
 *   and encode → decode is the identity.
 * - Ranges are physical bounds, not readiness thresholds (those live in the vehicle profile): a
 *   value outside them is a sensor or firmware fault and the line is rejected.
 */
import { z } from "zod";

/** Two decimals at most: `Number(n.toFixed(2)) === n` holds for every value the wire can carry. */
function decimal(min: number, max: number) {
  return z
    .number()
    .min(min)
    .max(max)
    .refine((n) => Number(n.toFixed(2)) === n, { error: "at most two decimals" });
}

/** Which cylinder, ECG, bracket or compartment; the vehicle profile maps slots to items. */
export const psosSlotSchema = z.number().int().min(0).max(99);

/** HB: heartbeat, once per second. `uptime_s` going backwards means the controller rebooted. */
export const hbRecordSchema = z.strictObject({
  record: z.literal("HB"),
  /** Seconds since the controller booted (an unsigned 32-bit counter). */
  uptime_s: z.number().int().min(0).max(4_294_967_295),
  /** Firmware version, e.g. `1.4.2`: letters, digits and `. _ + -`, up to 32 characters. */
  fw_version: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z._+-]{0,31}$/, {
    error: "1 to 32 characters among letters, digits and . _ + -",
  }),
});

/** O2: an oxygen cylinder's gauge pressure and the current flow (0 when the valve is closed). */
export const o2RecordSchema = z.strictObject({
  record: z.literal("O2"),
  slot: psosSlotSchema,
  /** Gauge pressure in bar; 300 bar is above any medical cylinder's working pressure. */
  pressure_bar: decimal(0, 300).nullable(),
  /** Flow in L/min; medical regulators stop at 15 to 25 L/min. */
  flow_lpm: decimal(0, 25).nullable(),
});

export const ecgSelftestValues = ["pass", "fail", "unknown"] as const;
export type EcgSelftest = (typeof ecgSelftestValues)[number];

/** ECG: the ECG / defibrillator's battery, last self-test, charging and docking. */
export const ecgRecordSchema = z.strictObject({
  record: z.literal("ECG"),
  slot: psosSlotSchema,
  battery_pct: z.number().int().min(0).max(100).nullable(),
  /** Wire `P`, `F`, `U`. */
  selftest: z.enum(ecgSelftestValues),
  charging: z.boolean(),
  docked: z.boolean(),
});

/** BAG: the BAVU bag is (or is not) in its bracket. */
export const bagRecordSchema = z.strictObject({
  record: z.literal("BAG"),
  slot: psosSlotSchema,
  present: z.boolean(),
});

/** TMP: a compartment's temperature; -40…85 °C is the range of the usual NTC and digital probes. */
export const tmpRecordSchema = z.strictObject({
  record: z.literal("TMP"),
  slot: psosSlotSchema,
  celsius: decimal(-40, 85).nullable(),
});

/** VEH: vehicle power (no slot: a car has one supply). */
export const vehRecordSchema = z.strictObject({
  record: z.literal("VEH"),
  ignition: z.boolean(),
  /** Supply voltage in millivolts; 30 V covers a 24 V system's charging voltage. */
  supply_mV: z.number().int().min(0).max(30_000).nullable(),
});

/** REQ: host → controller. `ALL` asks for every record once. */
export const reqRecordSchema = z.strictObject({
  record: z.literal("REQ"),
  what: z.literal("ALL"),
});

export const psosRecordSchema = z.discriminatedUnion("record", [
  hbRecordSchema,
  o2RecordSchema,
  ecgRecordSchema,
  bagRecordSchema,
  tmpRecordSchema,
  vehRecordSchema,
  reqRecordSchema,
]);

export type PsosRecord = z.infer<typeof psosRecordSchema>;
export type PsosRecordKind = PsosRecord["record"];
export type PsosRecordOf<K extends PsosRecordKind> = Extract<PsosRecord, { record: K }>;
export type HbRecord = PsosRecordOf<"HB">;
export type O2Record = PsosRecordOf<"O2">;
export type EcgRecord = PsosRecordOf<"ECG">;
export type BagRecord = PsosRecordOf<"BAG">;
export type TmpRecord = PsosRecordOf<"TMP">;
export type VehRecord = PsosRecordOf<"VEH">;
export type ReqRecord = PsosRecordOf<"REQ">;

export const psosRecordKinds = [
  "HB",
  "O2",
  "ECG",
  "BAG",
  "TMP",
  "VEH",
  "REQ",
] as const satisfies readonly PsosRecordKind[];

/** The records that describe equipment (what `REQ,ALL` is answered with, besides HB). */
export type PsosEquipmentRecord = O2Record | EcgRecord | BagRecord | TmpRecord | VehRecord;
