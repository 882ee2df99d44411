/**
 * Shift history as CSV (issue 10, "the CSV export carries the shift summaries"): one row per shift,
 * with the summary's figures, and the missions, alarms and restock list condensed into one cell
 * each. The CSV rules (RFC 4180, BOM, `;` for a French Excel, formula defusing) are check-csv.ts's.
 */
import { radioStatusByKey, type StatusKey } from "../domain/radio-status.ts";
import type { ShiftSummary } from "../domain/shifts/shift-summary.ts";
import { type CsvLang, csvField } from "./check-csv.ts";

/** A shift as the export needs it (ShiftService's `ShiftView` fits). */
export interface ShiftCsvRow {
  startedAt: number;
  endedAt: number | null;
  doctor: { rpps: string; name: string };
  summary: ShiftSummary | null;
}

export interface ShiftCsvOptions {
  delimiter?: "," | ";";
  lang?: CsvLang;
}

const statusColumns: readonly StatusKey[] = [
  "available",
  "at_base",
  "en_route",
  "on_scene",
  "with_patient",
  "visit_done",
  "unavailable",
  "samu_backup",
  "emergency",
];

const headers: Record<CsvLang, readonly string[]> = {
  fr: [
    "début (UTC)",
    "fin (UTC)",
    "médecin",
    "RPPS",
    "durée (min)",
    "distance (km)",
    "missions",
    "alarmes",
    "à réapprovisionner",
  ],
  en: [
    "start (UTC)",
    "end (UTC)",
    "doctor",
    "RPPS",
    "duration (min)",
    "distance (km)",
    "missions",
    "alarms",
    "restock",
  ],
};

function statusHeader(key: StatusKey, lang: CsvLang): string {
  return `${radioStatusByKey(key)?.labels[lang] ?? key} (min)`;
}

function decimal(value: number, lang: CsvLang): string {
  const text = String(Math.round(value * 10) / 10);
  return lang === "fr" ? text.replace(".", ",") : text;
}

export function shiftHistoryCsv(shifts: readonly ShiftCsvRow[], options: ShiftCsvOptions = {}): string {
  const delimiter = options.delimiter ?? ",";
  const lang = options.lang ?? "fr";
  const line = (fields: readonly string[]) =>
    `${fields.map((f) => csvField(f, delimiter)).join(delimiter)}\r\n`;
  let csv = `\uFEFF${line([...headers[lang], ...statusColumns.map((key) => statusHeader(key, lang))])}`;
  for (const shift of shifts) {
    const summary = shift.summary;
    const end = shift.endedAt ?? null;
    const minutes = (ms: number) => decimal(ms / 60_000, lang);
    const byStatus = new Map(summary?.statusTimes.map((t) => [t.key, t.ms]) ?? []);
    csv += line([
      new Date(shift.startedAt).toISOString(),
      end === null ? "" : new Date(end).toISOString(),
      shift.doctor.name,
      shift.doctor.rpps,
      end === null ? "" : minutes(end - shift.startedAt),
      summary === null ? "" : decimal(summary.distanceM / 1000, lang),
      summary?.missions
        .map(
          (m) =>
            `${m.missionId} ${m.priority} ${m.outcome ?? m.state}${m.times.visitMinutes === undefined ? "" : ` ${m.times.visitMinutes} min`}`,
        )
        .join(" | ") ?? "",
      summary?.alarms.map((a) => `${a.kind} ${new Date(a.raisedAt).toISOString()}`).join(" | ") ?? "",
      summary?.restock.map((r) => `${r.item} × ${decimal(r.qty, lang)}`).join(" | ") ?? "",
      ...statusColumns.map((key) => (summary === null ? "" : minutes(byStatus.get(key) ?? 0))),
    ]);
  }
  return csv;
}
