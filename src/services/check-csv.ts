/**
 * The history of technician checks as CSV, one row per checklist item, for the fleet's records.
 *
 * - RFC 4180: CRLF line ends, fields holding the delimiter, `"`, CR or LF are quoted, quotes doubled.
 * - UTF-8 with a byte order mark: without it, Excel reads the file as Windows-1252 and shows
 *   "Ã©" for "é".
 * - A French Excel splits CSV on `;`, not `,` (the list separator of the fr-FR locale); `delimiter`
 *   lets the export match it. A `sep=` line would do that too, but Excel then ignores the BOM.
 * - Formula injection (OWASP "CSV Injection"): notes are typed by people, and a cell starting with
 *   `=`, `+`, `-`, `@`, TAB or CR is run as a formula by spreadsheets. Such a field gets a leading
 *   `'`, which Excel and LibreOffice read as "text". It applies to every field, not only notes: ids
 *   and names come from files people edit too.
 */
import type { CheckRunRecord } from "./technician-checks.ts";
import { scheduleNames } from "./technician-run.ts";

export type CsvLang = "fr" | "en";

export interface CheckCsvOptions {
  /** Default `,` (RFC 4180). */
  delimiter?: "," | ";";
  /** Language of the header, the schedule and result words, and the label. Default French. */
  lang?: CsvLang;
}

const headers: Record<CsvLang, readonly string[]> = {
  fr: [
    "date (UTC)",
    "véhicule",
    "échéance",
    "id contrôle",
    "équipement",
    "libellé",
    "résultat",
    "technicien",
    "remarques",
  ],
  en: ["date (UTC)", "vehicle", "schedule", "check id", "item", "label", "result", "technician", "notes"],
};

const resultWords: Record<CsvLang, Record<"pass" | "fail", string>> = {
  fr: { pass: "conforme", fail: "non conforme" },
  en: { pass: "pass", fail: "fail" },
};

const byteOrderMark = "\uFEFF";

/** One field: defused if a spreadsheet would run it, then quoted if RFC 4180 requires it. */
export function csvField(value: string, delimiter: "," | ";" = ","): string {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return text.includes(delimiter) || /["\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function checkHistoryCsv(runs: readonly CheckRunRecord[], options: CheckCsvOptions = {}): string {
  const delimiter = options.delimiter ?? ",";
  const lang = options.lang ?? "fr";
  const line = (fields: readonly string[]) =>
    `${fields.map((f) => csvField(f, delimiter)).join(delimiter)}\r\n`;
  let csv = byteOrderMark + line(headers[lang]);
  for (const run of runs) {
    const date = new Date(run.signedAt).toISOString();
    const technician = `${run.technicianName} (${run.technicianId})`;
    for (const result of run.results)
      csv += line([
        date,
        run.vehicle,
        scheduleNames[run.schedule][lang],
        result.checkId,
        result.equipmentId ?? "",
        result.label[lang],
        resultWords[lang][result.result],
        technician,
        result.notes ?? "",
      ]);
  }
  return csv;
}
