/**
 * The mission and shift parts of the state the core pushes to the doctor's screen (ui-api.ts):
 * missions with their timeline, crew messages, checklists, and the doctor's shift with its summary.
 */
import { z } from "zod";
import { statusKeys } from "../domain/radio-status.ts";
import {
  checkSchedules,
  epochMsSchema as epochMs,
  localizedTextSchema,
  uiDeliverySchema,
} from "./ui-fields.ts";

const prioritySchema = z.enum(["P0", "P1", "P2", "P3"]);
const doctorSchema = z.object({ rpps: z.string(), name: z.string() });

export const uiTimelineEntrySchema = z.object({
  kind: z.string(),
  state: z.string(),
  at: epochMs,
  note: z.string().nullable(),
  delivery: uiDeliverySchema,
});

export const uiMissionSchema = z.object({
  id: z.string(),
  state: z.string(),
  priority: prioritySchema,
  reason: z.string(),
  address: z.object({
    text: z.string(),
    lat: z.number().optional(),
    lon: z.number().optional(),
    access: z.string().optional(),
  }),
  patient: z
    .object({ name: z.string().optional(), age: z.number().optional(), sex: z.string().optional() })
    .optional(),
  callback: z.string().optional(),
  notes: z.string().optional(),
  caseId: z.string().optional(),
  assignedAt: epochMs,
  updatedAt: epochMs,
  endedAt: epochMs.nullable(),
  cancelReason: z.string().nullable(),
  declineReason: z.string().nullable(),
  /** Each `mission.update` received: when, and which fields it changed. */
  updates: z.array(z.object({ at: epochMs, fields: z.string().nullable() })),
  timeline: z.array(uiTimelineEntrySchema),
  /** The end-of-visit report, once sent. */
  report: z.object({ outcome: z.string(), delivery: uiDeliverySchema }).nullable(),
});
export type UiMission = z.infer<typeof uiMissionSchema>;

export const uiMessageSchema = z.object({
  id: z.string(),
  direction: z.enum(["in", "out"]),
  text: z.string(),
  at: epochMs,
  read: z.boolean(),
  delivery: uiDeliverySchema,
});

export const uiChecklistSchema = z.object({
  schedule: z.enum(checkSchedules),
  label: localizedTextSchema,
  items: z.array(
    z.object({ id: z.string(), label: localizedTextSchema, equipmentId: z.string().optional() }),
  ),
});

export const uiShiftSummarySchema = z.object({
  shiftId: z.string(),
  doctor: doctorSchema,
  startedAt: epochMs,
  endedAt: epochMs,
  distanceM: z.number(),
  statusTimes: z.array(z.object({ key: z.enum(statusKeys), ms: z.number() })),
  /** No patient data: ids, priorities and times only (shift-summary.ts). */
  missions: z.array(
    z.object({
      missionId: z.string(),
      priority: z.string(),
      state: z.string(),
      outcome: z.string().nullable(),
      times: z.record(z.string(), z.number()),
    }),
  ),
  alarms: z.array(z.object({ alarmId: z.string(), kind: z.string(), raisedAt: epochMs })),
  restock: z.array(z.object({ item: z.string(), qty: z.number() })),
});
export type UiShiftSummary = z.infer<typeof uiShiftSummarySchema>;

export const uiShiftSchema = z.object({
  /**
   * The server owns the lock (a reload cannot open it). While locked, and while nobody is signed in,
   * the state carries nothing patient-related (issue 10): no mission, message text, report or position.
   */
  locked: z.boolean(),
  lockAfterSeconds: z.number(),
  doctor: doctorSchema.nullable(),
  startedAt: epochMs.nullable(),
  /** The shift-start checklist: to answer now (pending), or how it was covered. */
  checklist: z
    .object({
      state: z.enum(["not_required", "covered", "done", "pending"]),
      by: z.string().nullable(),
      at: epochMs.nullable(),
      failed: z.array(z.string()),
      items: z.array(z.object({ id: z.string(), label: localizedTextSchema })),
    })
    .nullable(),
  /** May the doctor be available now, and why (not): equipment and shift start together. */
  gate: z
    .object({
      allowed: z.boolean(),
      readiness: z.string(),
      warnings: z.array(localizedTextSchema),
      blockingReasons: z.array(localizedTextSchema),
    })
    .nullable(),
  /** The association's doctors, for the sign-in screen (empty while signed in). */
  roster: z.array(z.object({ rpps: z.string(), name: z.string(), hasPin: z.boolean() })),
  allowUnknown: z.boolean(),
  /** A mission waits while the screen hides missions: its priority only ("Nouvelle mission P1"). */
  missionAlert: z.object({ priority: prioritySchema }).nullable(),
  /** The newest ended shift of the last hours, for the summary screen. */
  lastSummary: uiShiftSummarySchema.nullable(),
});
export type UiShift = z.infer<typeof uiShiftSchema>;
