/**
 * The pieces the kiosk UI API (ui-api.ts) uses in both directions, in its commands and in the state
 * the core pushes: languages, themes, the localized text, delivery states and a technician's answer.
 */
import { z } from "zod";
import { textLimits } from "./fields.ts";

export const uiLanguages = ["fr", "en"] as const;
export const uiThemes = ["auto", "day", "night"] as const;
export const checkSchedules = ["shiftStart", "weekly", "monthly"] as const;

/** French first, English beside it: every sentence the core shows the doctor. */
export const localizedTextSchema = z.object({ fr: z.string(), en: z.string() });
export type LocalizedUiText = z.infer<typeof localizedTextSchema>;

/** queued → sent (the broker's PUBACK) → received (dispatch's own ack); null when nothing was sent. */
export const uiDeliverySchema = z.enum(["queued", "sent", "received"]).nullable();
export type UiDelivery = z.infer<typeof uiDeliverySchema>;

export const epochMsSchema = z.number();

/**
 * One answer to a checklist item: a technician's check (`checks.sign`, the CLI's results file) or the
 * doctor's shift-start checklist (`shift.checklist`).
 */
export const checkResultInputSchema = z.strictObject({
  checkId: z.string().min(1).max(128),
  result: z.enum(["pass", "fail"]),
  notes: z.string().max(textLimits.note).optional(),
});
export type CheckResultInput = z.infer<typeof checkResultInputSchema>;
