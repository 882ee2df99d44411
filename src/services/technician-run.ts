/**
 * Checks that a run answers its checklist, before any PIN is tried: every item of the schedule's
 * checklist exactly once, nothing from elsewhere, and a note on every fail (a technician who finds
 * an item unfit must say why: it is what the next technician and dispatch read). All problems are
 * reported at once, naming the items, so that the technician fixes the form in one go.
 */
import { textLimits } from "../contracts/fields.ts";
import type { LocalizedText } from "../domain/equipment/readiness-labels.ts";
import type { Checklists, CheckSchedule } from "../domain/equipment/technician-checks.ts";
import { checkErrors } from "./check-errors.ts";

export interface PlannedResult {
  checkId: string;
  equipmentId?: string;
  label: LocalizedText;
  result: "pass" | "fail";
  notes?: string;
}

export const scheduleNames: Readonly<Record<CheckSchedule, LocalizedText>> = {
  shiftStart: { fr: "prise de poste", en: "shift start" },
  weekly: { fr: "hebdomadaire", en: "weekly" },
  monthly: { fr: "mensuel", en: "monthly" },
};

const schedules = Object.keys(scheduleNames) as CheckSchedule[];

function list(ids: readonly string[]): string {
  return ids.join(", ");
}

/** The stored answers in checklist order; throws CheckError("invalid_run") naming every problem. */
export function planRun(
  checklists: Checklists,
  schedule: CheckSchedule,
  results: ReadonlyArray<{ checkId: string; result: "pass" | "fail"; notes?: string | undefined }>,
): PlannedResult[] {
  if (!schedules.includes(schedule))
    throw checkErrors.invalidRun([
      {
        fr: `échéance inconnue « ${String(schedule)} » (${list(schedules)})`,
        en: `unknown schedule "${String(schedule)}" (${list(schedules)})`,
      },
    ]);
  const items = checklists[schedule].items;
  const name = scheduleNames[schedule];
  if (items.length === 0)
    throw checkErrors.invalidRun([
      { fr: `la liste ${name.fr} du véhicule est vide`, en: `the vehicle's ${name.en} checklist is empty` },
    ]);
  const answers = new Map<string, (typeof results)[number]>();
  const duplicates = new Set<string>();
  for (const answer of results) {
    if (answers.has(answer.checkId)) duplicates.add(answer.checkId);
    answers.set(answer.checkId, answer);
  }
  const known = new Set(items.map((item) => item.id));
  const unknown = [...answers.keys()].filter((id) => !known.has(id));
  const missing = items.filter((item) => !answers.has(item.id));
  const problems: LocalizedText[] = [];
  if (missing.length > 0)
    problems.push({
      fr: `points non renseignés : ${missing.map((item) => `${item.id} (${item.label.fr})`).join(", ")}`,
      en: `items not answered: ${missing.map((item) => `${item.id} (${item.label.en})`).join(", ")}`,
    });
  if (unknown.length > 0)
    problems.push({
      fr: `points absents de la liste ${name.fr} : ${list(unknown)}`,
      en: `items not in the ${name.en} checklist: ${list(unknown)}`,
    });
  if (duplicates.size > 0)
    problems.push({
      fr: `points renseignés plusieurs fois : ${list([...duplicates])}`,
      en: `items answered more than once: ${list([...duplicates])}`,
    });
  const planned: PlannedResult[] = [];
  const failsWithoutNote: string[] = [];
  const tooLong: string[] = [];
  for (const item of items) {
    const answer = answers.get(item.id);
    if (answer === undefined) continue;
    const notes = answer.notes?.trim() || undefined;
    if (answer.result === "fail" && notes === undefined) failsWithoutNote.push(item.id);
    if (notes !== undefined && notes.length > textLimits.note) tooLong.push(item.id);
    planned.push({
      checkId: item.id,
      ...(item.equipmentId !== undefined ? { equipmentId: item.equipmentId } : {}),
      label: { fr: item.label.fr, en: item.label.en },
      result: answer.result,
      ...(notes !== undefined ? { notes } : {}),
    });
  }
  if (failsWithoutNote.length > 0)
    problems.push({
      fr: `un point non conforme demande une remarque : ${list(failsWithoutNote)}`,
      en: `a failed item needs a note: ${list(failsWithoutNote)}`,
    });
  if (tooLong.length > 0)
    problems.push({
      fr: `remarque de plus de ${textLimits.note} caractères : ${list(tooLong)}`,
      en: `note longer than ${textLimits.note} characters: ${list(tooLong)}`,
    });
  if (problems.length > 0) throw checkErrors.invalidRun(problems);
  return planned;
}
