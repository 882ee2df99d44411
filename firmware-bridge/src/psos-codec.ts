/**
 * The `$PSOS` line codec (PROTOCOL.md B; firmware-bridge/PROTOCOL.md for firmware authors).
 *
 *   $PSOS,<record>,<fields...>*hh      hh = XOR of the bytes between `$` and `*`, two hex digits
 *
 * | record | wire fields (in order)                                   |
 * |--------|----------------------------------------------------------|
 * | HB     | uptime_s, fw_version                                     |
 * | O2     | slot, pressure_bar, flow_lpm                             |
 * | ECG    | slot, battery_pct, selftest (P/F/U), charging, docked    |
 * | BAG    | slot, present                                            |
 * | TMP    | slot, celsius                                            |
 * | VEH    | ignition, supply_mV                                      |
 * | REQ    | ALL                                (host → controller)   |
 *
 * Decisions:
 * - `decodePsos` never throws: every outcome is a verdict with a reason, so the driver can count,
 *   log and skip a bad line without ever stopping the link (PROTOCOL.md B).
 * - The frame is checked before any field is read (PITFALLS.md: nmea-simple let `x*00` pass):
 *   printable ASCII only, at most 80 characters without the line end (NMEA 0183's 82 with CRLF),
 *   a checksum is required. Hex digits are accepted in either case, as NMEA readers usually do;
 *   we always write upper case.
 * - The field count is exact: a missing or an extra field is rejected (`field_count`), so a
 *   firmware that adds a field to an existing record is caught at once instead of being
 *   half-understood. New data goes into a new record, which old hosts skip as `unknown_record`.
 * - Numbers are plain decimals (`-?digits[.d[d]]`): no `+`, exponent, hex or spaces, which
 *   `Number()` would otherwise accept (`Number("") === 0`, `Number("0x1F") === 31`).
 * - Ranges live in src/contracts/psos.ts (zod) and are applied to both directions.
 */
import { frameSentence, nmeaChecksum } from "../../src/contracts/nmea-framing.ts";
import { type PsosRecord, type PsosRecordKind, psosRecordSchema } from "../../src/contracts/psos.ts";

/** Longest sentence, without the line end: NMEA 0183 allows 82 characters including CR LF. */
export const psosMaxLength = 80;
export const psosPrefix = "$PSOS,";

export type PsosRejection =
  /** Not a `$PSOS,` sentence (another talker, or noise). */
  | "not_psos"
  | "too_long"
  /** A byte outside printable ASCII 0x20–0x7E (line noise, a baud-rate mismatch). */
  | "not_printable"
  /** No `*hh` at the end: typically a truncated line. */
  | "no_checksum"
  | "bad_checksum"
  /** `$` or `*` inside the sentence: two sentences run together, or garbage. */
  | "malformed"
  | "unknown_record"
  /** A field missing or extra. */
  | "field_count"
  /** A field that is not of its type or is out of range. */
  | "bad_field";

export type PsosDecodeResult =
  | { ok: true; record: PsosRecord }
  | { ok: false; reason: PsosRejection; detail: string };

type FieldValue = number | string | boolean | null;
type FieldParse = { ok: true; value: FieldValue } | { ok: false; detail: string };

interface WireField {
  name: string;
  parse(text: string): FieldParse;
  format(value: FieldValue): string;
}

const unsignedPattern = /^\d{1,10}$/;
const decimalPattern = /^-?\d{1,5}(\.\d{1,2})?$/;

function unsigned(name: string): WireField {
  return {
    name,
    parse: (text) =>
      unsignedPattern.test(text)
        ? { ok: true, value: Number(text) }
        : { ok: false, detail: `not an unsigned integer` },
    format: (value) => String(value),
  };
}

/** A measured value: empty on the wire means "sensor not reading" and decodes as null. */
function measure(name: string): WireField {
  return {
    name,
    parse: (text) => {
      if (text === "") return { ok: true, value: null };
      if (!decimalPattern.test(text)) return { ok: false, detail: "not a decimal number" };
      const value = Number(text);
      return { ok: true, value: value === 0 ? 0 : value }; // "-0" is 0
    },
    format: (value) => (value === null ? "" : String(value)),
  };
}

function flag(name: string): WireField {
  return {
    name,
    parse: (text) =>
      text === "0" || text === "1"
        ? { ok: true, value: text === "1" }
        : { ok: false, detail: "expected 0 or 1" },
    format: (value) => (value ? "1" : "0"),
  };
}

const selftestWire = { P: "pass", F: "fail", U: "unknown" } as const;
const selftestLetter = { pass: "P", fail: "F", unknown: "U" } as const;

const selftest: WireField = {
  name: "selftest",
  parse: (text) =>
    text === "P" || text === "F" || text === "U"
      ? { ok: true, value: selftestWire[text] }
      : { ok: false, detail: "expected P, F or U" },
  format: (value) => selftestLetter[value as keyof typeof selftestLetter],
};

function word(name: string): WireField {
  return { name, parse: (text) => ({ ok: true, value: text }), format: (value) => String(value) };
}

/** The wire order of each record's fields (PROTOCOL.md B's table). */
const wireFields: Record<PsosRecordKind, readonly WireField[]> = {
  HB: [unsigned("uptime_s"), word("fw_version")],
  O2: [unsigned("slot"), measure("pressure_bar"), measure("flow_lpm")],
  ECG: [unsigned("slot"), measure("battery_pct"), selftest, flag("charging"), flag("docked")],
  BAG: [unsigned("slot"), flag("present")],
  TMP: [unsigned("slot"), measure("celsius")],
  VEH: [flag("ignition"), measure("supply_mV")],
  REQ: [word("what")],
};

function isKind(text: string): text is PsosRecordKind {
  return Object.hasOwn(wireFields, text);
}

function reject(reason: PsosRejection, detail: string): PsosDecodeResult {
  return { ok: false, reason, detail };
}

/** Shows a piece of a hostile line safely in a detail (bounded, control bytes escaped). */
function quote(text: string): string {
  return JSON.stringify(text.length > 24 ? `${text.slice(0, 24)}…` : text);
}

function isPrintableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** Decodes one line (without its line end). Never throws. */
export function decodePsos(line: string): PsosDecodeResult {
  try {
    return decodeUnsafe(line);
  } catch (err) {
    // Defensive: nothing above is known to throw, and a bad line must never stop the link.
    return reject("malformed", `decoder error: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function decodeUnsafe(line: string): PsosDecodeResult {
  if (typeof line !== "string" || !line.startsWith(psosPrefix)) {
    return reject("not_psos", `does not start with ${psosPrefix}: ${quote(String(line))}`);
  }
  if (line.length > psosMaxLength)
    return reject("too_long", `${line.length} characters (max ${psosMaxLength})`);
  if (!isPrintableAscii(line)) return reject("not_printable", `non-printable byte in ${quote(line)}`);
  const star = line.length - 3;
  if (line.charCodeAt(star) !== 0x2a || !/^[0-9A-Fa-f]{2}$/.test(line.slice(star + 1))) {
    return reject("no_checksum", `no *hh at the end of ${quote(line.slice(-24))}`);
  }
  const body = line.slice(1, star);
  if (body.includes("*") || body.includes("$")) return reject("malformed", `stray $ or * in ${quote(body)}`);
  const expected = nmeaChecksum(body);
  const given = line.slice(star + 1).toUpperCase();
  if (given !== expected) return reject("bad_checksum", `checksum ${given}, computed ${expected}`);

  const [, kind = "", ...texts] = body.split(",");
  if (!isKind(kind)) return reject("unknown_record", `record ${quote(kind)}`);
  const fields = wireFields[kind];
  if (texts.length !== fields.length) {
    return reject("field_count", `${kind} has ${fields.length} fields, got ${texts.length}`);
  }
  const candidate: Record<string, FieldValue> = { record: kind };
  for (const [i, field] of fields.entries()) {
    const text = texts[i] ?? "";
    const parsed = field.parse(text);
    if (!parsed.ok) return reject("bad_field", `${kind} ${field.name} ${quote(text)}: ${parsed.detail}`);
    candidate[field.name] = parsed.value;
  }
  const checked = psosRecordSchema.safeParse(candidate);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const path = issue?.path.join(".") ?? "?";
    return reject(
      "bad_field",
      `${kind} ${path} ${quote(String(candidate[path]))}: ${issue?.message ?? "invalid"}`,
    );
  }
  return { ok: true, record: checked.data };
}

/**
 * Encodes a record as a sentence, without the line end. Throws a RangeError for a record outside
 * the contract (a programming error): writing a line that every host would reject helps no one.
 */
export function encodePsos(record: PsosRecord): string {
  const checked = psosRecordSchema.safeParse(record);
  if (!checked.success) {
    const issues = checked.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new RangeError(`encodePsos: invalid ${String(record?.record)} record: ${issues.join("; ")}`);
  }
  const values = checked.data as Record<string, FieldValue>;
  const texts = wireFields[checked.data.record].map((field) => field.format(values[field.name] ?? null));
  return frameSentence(["PSOS", checked.data.record, ...texts].join(","));
}

/**
 * Cuts a line at every `$`, so that noise glued to the front of a sentence (bytes received while
 * the line was idle, a sentence whose end was lost) does not also cost the valid sentence after
 * it. The piece before the first `$`, if not blank, is returned too, so that it is counted.
 */
export function splitPsosCandidates(line: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 1; i <= line.length; i++) {
    if (i < line.length && line.charCodeAt(i) !== 0x24) continue;
    const piece = line.slice(start, i);
    if (piece.trim() !== "") out.push(piece);
    start = i;
  }
  return out;
}

/** The `REQ,ALL` sentence the host sends after every (re)connect. */
export const reqAllSentence = encodePsos({ record: "REQ", what: "ALL" });
