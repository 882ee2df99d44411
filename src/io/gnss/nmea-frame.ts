/**
 * Our own NMEA 0183 frame check, run BEFORE nmea-simple sees a sentence.
 *
 * nmea-simple lets `x*00` and `$*00` pass its checksum, throws on unknown sentences and throws a
 * TypeError on short ones (PITFALLS.md), so nothing reaches it unless the frame is sound:
 *   `$` + address + `,fields` + `*hh`, printable ASCII, bounded length, correct checksum.
 *     $AAAAA,...*hh   AAAAA = 2-letter talker + 3-letter sentence type
 *     $Pxxxx,...*hh   proprietary (P + manufacturer code): framed, then counted and ignored
 *     !AIVDM,...*hh   AIS encapsulation: not GNSS, counted as ignored and never decoded
 *
 * Decisions:
 * - Length: NMEA 0183 caps a sentence at 82 characters including CR LF (80 without). Real
 *   receivers exceed it: high-precision GGA/RMC (Trimble, u-blox HPNMEA, SkyTraq RTK) reach 93 in
 *   the gpsd corpus (`nmea-rtk`, `cat-ms352`, `skytraq-PX1172RH_DS`), u-blox PUBX about 110. We
 *   accept up to 120 characters without the line end; longer is a run-on line or garbage.
 * - Checksum: required. gpsd accepts checksum-less sentences (hp58534a, skytraq-err, venus634lp),
 *   but a truncated or corrupted sentence without a checksum can carry a plausible wrong
 *   coordinate, and a wrong position sent to dispatch is worse than a missing one. No gpsd position
 *   is lost by this: hp58534a and skytraq-err have none, venus634lp's banners carry none.
 *   Hex digits are accepted in either case (some receivers write lower case).
 * - Only printable ASCII (0x20-0x7E): a NUL, an escape code or a latin1 byte means the line is
 *   corrupt (gpsd log `et-332` carries terminal escape codes).
 * - A line may hold several sentences (a receiver that lost a CR LF: `isync`, `triton400`; a
 *   partial first line: `tcp-test`): `splitCandidates` cuts it at every `$` and `!` so that each
 *   sentence is checked on its own.
 */
/** Longest sentence we accept, without the line end (see the decision above). */
export const maxSentenceLength = 120;

export type FrameRejection =
  | "ais"
  | "no_start"
  | "too_long"
  | "not_printable"
  | "no_checksum"
  | "bad_checksum"
  | "bad_address";

export interface Frame {
  /** `$...*hh`, trimmed of trailing blanks and control characters. */
  sentence: string;
  /** Comma-separated fields without `$` and `*hh`; fields[0] is the address. */
  fields: string[];
  /** Two-letter talker ("GP", "GN"...), or "P" for a proprietary sentence. */
  talker: string;
  /** Sentence type ("RMC"), or the manufacturer code + type of a proprietary one ("GRME"). */
  type: string;
  proprietary: boolean;
}

export type FrameVerdict = { ok: true; frame: Frame } | { ok: false; reason: FrameRejection };

/**
 * Cuts a line at every `$` or `!`. Text before the first start character (the tail of a sentence
 * whose start was lost, escape codes) is returned as its own candidate so that it is counted as
 * `no_start`; blank pieces are dropped.
 */
export function splitCandidates(line: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 1; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x24 || c === 0x21) {
      if (!isBlank(line, start, i)) out.push(line.slice(start, i));
      start = i;
    }
  }
  if (!isBlank(line, start, line.length)) out.push(start === 0 ? line : line.slice(start));
  return out;
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) > 0x20) return false;
  return true;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

const isUpper = (c: number) => c >= 0x41 && c <= 0x5a;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** `GPRMC`: two-letter talker + three-letter type (digits do not occur in either). */
function isStandardAddress(address: string): boolean {
  if (address.length !== 5) return false;
  for (let i = 0; i < 5; i++) if (!isUpper(address.charCodeAt(i))) return false;
  return true;
}

/** `PUBX`, `PGRME`, `PMTK314`: `P` + manufacturer code and type. */
function isProprietaryAddress(address: string): boolean {
  if (address.length < 2 || address.length > 10 || address.charCodeAt(0) !== 0x50) return false;
  for (let i = 1; i < address.length; i++) {
    const c = address.charCodeAt(i);
    if (!isUpper(c) && !isDigit(c)) return false;
  }
  return true;
}

/** Checks one candidate (as produced by `splitCandidates`). */
export function checkFrame(candidate: string): FrameVerdict {
  // Trailing blanks and control characters (a CR left by an LF splitter, NUL padding) are not data.
  let end = candidate.length;
  while (end > 0 && candidate.charCodeAt(end - 1) <= 0x20) end--;
  const first = candidate.charCodeAt(0);
  if (first === 0x21) return { ok: false, reason: "ais" };
  if (first !== 0x24) return { ok: false, reason: "no_start" };
  if (end > maxSentenceLength) return { ok: false, reason: "too_long" };
  // One pass: printable check up to `*`, which must be followed by exactly two hex digits, and the
  // checksum (XOR of the bytes between `$` and `*`, as nmeaChecksum in contracts/nmea-framing.ts)
  // on the way: this check runs on every line of the receiver, before the parser's own pass.
  let star = -1;
  let sum = 0;
  for (let i = 1; i < end; i++) {
    const c = candidate.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return { ok: false, reason: "not_printable" };
    if (c === 0x2a) {
      star = i;
      break;
    }
    sum ^= c;
  }
  if (star < 0) return { ok: false, reason: "no_checksum" };
  const high = hexValue(candidate.charCodeAt(star + 1));
  const low = hexValue(candidate.charCodeAt(star + 2));
  if (end !== star + 3 || high < 0 || low < 0) return { ok: false, reason: "bad_checksum" };
  if (sum !== ((high << 4) | low)) return { ok: false, reason: "bad_checksum" };
  const body = candidate.slice(1, star);
  // `$*00` has an empty body whose checksum 00 is "right": the address check stops it.
  const fields = body.split(",");
  const address = fields[0] ?? "";
  const sentence = end === candidate.length ? candidate : candidate.slice(0, end);
  // `P` first: no standard talker starts with P, and `$PGRME` is Garmin's, not talker "PG".
  if (isProprietaryAddress(address)) {
    return { ok: true, frame: { sentence, fields, talker: "P", type: address.slice(1), proprietary: true } };
  }
  if (isStandardAddress(address)) {
    return {
      ok: true,
      frame: { sentence, fields, talker: address.slice(0, 2), type: address.slice(2), proprietary: false },
    };
  }
  return { ok: false, reason: "bad_address" };
}
