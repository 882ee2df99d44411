/**
 * A vehicle profile (hardware/profiles/<id>.json): the car's serial devices, the equipment it
 * carries, where each item appears on the `$PSOS` line (PROTOCOL.md B), the thresholds the readiness
 * rules apply, and the technician checklists. Profiles are data validated here, not code (DESIGN.md §1).
 *
 * `equipment` is a discriminated union on `kind`, the same kinds as the MQTT `equipment` body
 * (PROTOCOL.md A), so that each kind carries exactly the data its readiness rule needs:
 *   oxygen        O2 slot   cylinder size and pressures → autonomy in minutes at the current flow
 *   ecg           ECG slot  model, battery thresholds (the controller reports self-test and charge)
 *   bavu          BAG slot  bag present in its bracket
 *   drug_storage  TMP slot  allowed temperature range of the compartment
 *   vehicle_power VEH       supply voltage thresholds (the VEH record has no slot)
 *   infusion_kit, drug_kit  no sensor: expiry date, checked by technicians
 * Objects are strict so that a misspelt threshold is reported rather than silently defaulted.
 */
import { z } from "zod";
import { rosterDoctorFields } from "./dispatch-commands.ts";

export const equipmentKinds = [
  "ecg",
  "bavu",
  "oxygen",
  "infusion_kit",
  "drug_kit",
  "drug_storage",
  "vehicle_power",
] as const;
export type EquipmentKind = (typeof equipmentKinds)[number];

/** The `$PSOS` record that reports each monitored kind (PROTOCOL.md B). */
export const psosRecordOfKind = {
  oxygen: "O2",
  ecg: "ECG",
  bavu: "BAG",
  drug_storage: "TMP",
  vehicle_power: "VEH",
} as const satisfies Partial<Record<EquipmentKind, string>>;

const itemIdSchema = z
  .string()
  .regex(/^[a-z0-9_-]{1,32}$/, { error: "expected 1 to 32 characters among a-z, 0-9, _ and -" });
export const localizedTextSchema = z.strictObject({ fr: z.string().min(1), en: z.string().min(1) });
/** Calendar date, as the `equipment` body's `expiresOn` (PROTOCOL.md A). */
const dateSchema = z.iso.date({ error: "expected a date YYYY-MM-DD" });
const isoDatePattern = /^\d{4}-\d{2}-\d{2}$/;
/** The slot field of a `$PSOS` record: which cylinder, ECG, bracket or compartment. */
const slotSchema = z.number().int().min(0).max(99);
const percentSchema = z.number().min(0).max(100);

const itemBase = {
  /** Stable id, used in the `equipment` message and in checklists. */
  id: itemIdSchema,
  label: localizedTextSchema,
  notes: z.string().optional(),
};

export const oxygenItemSchema = z
  .strictObject({
    ...itemBase,
    kind: z.literal("oxygen"),
    slot: slotSchema,
    cylinder: z.strictObject({
      /** Trade designation, e.g. "B5". */
      designation: z.string().min(1),
      /** Water capacity in litres (B5 = 5): gas litres ≈ pressure (bar) × water volume. */
      waterVolumeL: z.number().positive().max(50),
      /** Full pressure, 200 bar for current medical cylinders. */
      nominalBar: z.number().positive().max(300),
      /** Pressure kept in reserve, never counted as usable (usually 20 bar, per the sites' protocols). */
      reserveBar: z.number().min(0),
    }),
    /** Flow used for autonomy while the valve is closed: 15 L/min is a high-concentration mask. */
    referenceFlowLpm: z.number().positive().max(50).default(15),
    /** Autonomy (minutes, at the current or reference flow) under which the item warns. */
    warnMinutes: z.number().positive(),
    /** Autonomy under which the item is faulty. */
    faultMinutes: z.number().min(0),
  })
  .refine((item) => item.cylinder.reserveBar < item.cylinder.nominalBar, {
    path: ["cylinder", "reserveBar"],
    error: "must be below cylinder.nominalBar",
  })
  .refine((item) => item.faultMinutes < item.warnMinutes, {
    path: ["faultMinutes"],
    error: "must be below warnMinutes",
  });

export const ecgItemSchema = z
  .strictObject({
    ...itemBase,
    kind: z.literal("ecg"),
    slot: slotSchema,
    manufacturer: z.string().min(1),
    model: z.string().min(1),
    battery: z.strictObject({ warnPct: percentSchema, faultPct: percentSchema }),
    /** Whether being out of its dock (not charging) is worth a warning in this car. */
    warnWhenUndocked: z.boolean().default(true),
  })
  .refine((item) => item.battery.faultPct < item.battery.warnPct, {
    path: ["battery", "faultPct"],
    error: "must be below battery.warnPct",
  });

export const bavuItemSchema = z.strictObject({
  ...itemBase,
  kind: z.literal("bavu"),
  slot: slotSchema,
  /** Patient sizes the bag and masks cover. */
  sizes: z
    .array(z.enum(["adult", "child", "infant"]))
    .min(1)
    .default(["adult"]),
});

export const drugStorageItemSchema = z
  .strictObject({
    ...itemBase,
    kind: z.literal("drug_storage"),
    slot: slotSchema,
    minC: z.number().min(-40).max(60),
    maxC: z.number().min(-40).max(60),
    /** How long a reading may stay out of range (door opened in summer) before it is a fault. */
    excursionToleranceMinutes: z.number().min(0).default(15),
  })
  .refine((item) => item.minC < item.maxC, { path: ["maxC"], error: "must be above minC" });

const kitContentSchema = z.strictObject({
  name: localizedTextSchema,
  qty: z.number().int().positive(),
  expiresOn: dateSchema.optional(),
});

function kitSchema<K extends "infusion_kit" | "drug_kit">(kind: K) {
  return z
    .strictObject({
      ...itemBase,
      kind: z.literal(kind),
      /** The earliest expiry of anything in the kit, as sealed by the pharmacy. */
      expiresOn: dateSchema,
      /** Days before expiry from which the kit warns. */
      warnDaysBeforeExpiry: z.number().int().min(0).default(30),
      contents: z.array(kitContentSchema).default([]),
    })
    .superRefine((kit, ctx) => {
      // ISO dates compare as strings. A kit whose content expires first would look fine for too long.
      // zod 4 still runs this refinement when the kit's date failed its format check (format issues
      // do not abort): compare only real dates, or one bad date would also blame every content line.
      if (!isoDatePattern.test(kit.expiresOn)) return;
      kit.contents.forEach((content, index) => {
        if (content.expiresOn !== undefined && content.expiresOn < kit.expiresOn)
          ctx.addIssue({
            code: "custom",
            path: ["contents", index, "expiresOn"],
            message: `expires before the kit's expiresOn (${kit.expiresOn}): set the kit's date to the earliest`,
          });
      });
    });
}
export const infusionKitItemSchema = kitSchema("infusion_kit");
export const drugKitItemSchema = kitSchema("drug_kit");

export const vehiclePowerItemSchema = z
  .strictObject({
    ...itemBase,
    kind: z.literal("vehicle_power"),
    /** Supply voltage thresholds in mV, as the VEH record reports `supply_mV`. */
    warnMv: z.number().int().positive(),
    faultMv: z.number().int().positive(),
  })
  .refine((item) => item.faultMv < item.warnMv, { path: ["faultMv"], error: "must be below warnMv" });

export const equipmentItemSchema = z.discriminatedUnion("kind", [
  oxygenItemSchema,
  ecgItemSchema,
  bavuItemSchema,
  drugStorageItemSchema,
  infusionKitItemSchema,
  drugKitItemSchema,
  vehiclePowerItemSchema,
]);
export type EquipmentItem = z.infer<typeof equipmentItemSchema>;
export type EquipmentItemOf<K extends EquipmentKind> = Extract<EquipmentItem, { kind: K }>;

const checkItemSchema = z.strictObject({
  /**
   * The `checkId` of the `check` event (PROTOCOL.md A); unique across the profile's checklists. The
   * event's `itemId` is `equipmentId` (the equipment the check is about), or this id when none.
   */
  id: itemIdSchema,
  label: localizedTextSchema,
  /** The equipment item this check is about, if any: a failed check can then mark it faulty. */
  equipmentId: itemIdSchema.optional(),
});
const checklistSchema = z.strictObject({ items: z.array(checkItemSchema).default([]) });

const serialDeviceSchema = z.strictObject({
  /** A stable udev name (hardware/udev), never a ttyUSBn that changes with plug order. */
  device: z.string().min(1),
  /** 9600 by default: see src/contracts/config.ts for why not NMEA's 4800. */
  baudRate: z.number().int().positive().default(9600),
});

export const vehicleProfileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    /** The profile's id, as its file name (`bdx-07` → bdx-07.json). */
    id: z.string().regex(/^[a-z0-9-]{1,32}$/, { error: "expected 1 to 32 characters among a-z, 0-9 and -" }),
    label: z.string().min(1),
    vehicle: z.strictObject({
      make: z.string().min(1),
      model: z.string().min(1),
      colour: z.string().min(1).optional(),
      registration: z.string().min(1).optional(),
    }),
    ports: z
      .strictObject({
        gnss: serialDeviceSchema
          .extend({
            /** Receiver model and its quirks (which sentences, update rate, antenna). */
            receiver: z.string().min(1).optional(),
            notes: z.string().optional(),
          })
          .prefault({ device: "/dev/sosm-gnss" }),
        equipment: serialDeviceSchema
          .extend({ firmware: z.string().optional(), notes: z.string().optional() })
          .prefault({ device: "/dev/sosm-equipment" }),
      })
      .prefault({}),
    equipment: z.array(equipmentItemSchema),
    /**
     * The association's roster of doctors (issue 10), until dispatch sends a `roster` command, which
     * replaces it on the car. The same fields as the command's doctors.
     */
    roster: z
      .strictObject({
        doctors: z.array(z.strictObject(rosterDoctorFields)).max(500),
        allowUnknown: z.boolean().optional(),
      })
      .optional(),
    /** Technician checklists: at each shift start, every week and every month. */
    checks: z
      .strictObject({
        shiftStart: checklistSchema.prefault({}),
        weekly: checklistSchema.prefault({}),
        monthly: checklistSchema.prefault({}),
      })
      .prefault({}),
  })
  .superRefine((profile, ctx) => {
    const ids = new Set<string>();
    const slots = new Map<string, string>();
    profile.equipment.forEach((item, index) => {
      if (ids.has(item.id))
        ctx.addIssue({
          code: "custom",
          path: ["equipment", index, "id"],
          message: `duplicate id "${item.id}"`,
        });
      ids.add(item.id);
      if (!("slot" in item)) return;
      // Two items on one record slot would receive each other's readings.
      const key = `${psosRecordOfKind[item.kind]} slot ${item.slot}`;
      const other = slots.get(key);
      if (other !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["equipment", index, "slot"],
          message: `${key} is already used by "${other}"`,
        });
      slots.set(key, item.id);
    });
    if (profile.equipment.filter((item) => item.kind === "vehicle_power").length > 1)
      ctx.addIssue({
        code: "custom",
        path: ["equipment"],
        message: "at most one vehicle_power item (VEH has no slot)",
      });
    const checkIds = new Set<string>();
    for (const list of ["shiftStart", "weekly", "monthly"] as const) {
      profile.checks[list].items.forEach((check, index) => {
        const path = ["checks", list, "items", index];
        if (checkIds.has(check.id))
          ctx.addIssue({
            code: "custom",
            path: [...path, "id"],
            message: `duplicate check id "${check.id}"`,
          });
        checkIds.add(check.id);
        if (check.equipmentId !== undefined && !ids.has(check.equipmentId))
          ctx.addIssue({
            code: "custom",
            path: [...path, "equipmentId"],
            message: `no equipment item has id "${check.equipmentId}"`,
          });
      });
    }
  });

export type VehicleProfile = z.infer<typeof vehicleProfileSchema>;
export type VehicleProfileInput = z.input<typeof vehicleProfileSchema>;
