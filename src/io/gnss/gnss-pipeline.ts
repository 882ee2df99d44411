/**
 * The GNSS decoding chain behind the GPS tracker's `FixDecoder` port:
 *   line → frame check → nmea-simple + our field readers → cycle assembly → quality gate → Fix.
 *
 * It never throws, whatever the line (NUL, escape codes, two sentences spliced together, 256
 * bytes of noise): every outcome is counted instead, so that the technician screen can show
 * "12 bad checksums" rather than the tracker dying. Count keys:
 *   frame.<reason>      frame rejected (bad_checksum, no_checksum, too_long, not_printable,
 *                       no_start, bad_address)
 *   sentence.ok         a GNSS sentence decoded; sentence.unknown / sentence.proprietary /
 *                       sentence.ais: ignored on purpose (AIS is counted, never decoded)
 *   parse.error         framed, but nmea-simple or our field table refused it (too few fields)
 *   fix.accepted, fix.rejected.<reason>   the quality gate's verdict per receiver cycle
 *                       (no_fix, no_date, simulated, jump, stale)
 *   cycle.incomplete    the last cycle, cut short at flush(), was not judged
 *   internal.error      a bug caught so that the tracker keeps running (never seen in tests)
 *
 * A line longer than 1024 characters is cut there first: the line source bounds lines anyway
 * (PITFALLS.md, parser-readline buffers without limit), and no sentence is that long.
 */
import type { Fix } from "../../domain/gnss/fix.ts";
import { FixAssembler, type FixCandidate } from "../../domain/gnss/fix-assembler.ts";
import { parseReferenceDate } from "../../domain/gnss/gnss-date.ts";
import { QualityGate } from "../../domain/gnss/quality-gate.ts";
import type { FixDecoder } from "../../services/gps-tracker.ts";
import { decodeFrame } from "./nmea-decoder.ts";
import { checkFrame, splitCandidates } from "./nmea-frame.ts";

export interface GnssPipelineContext {
  /**
   * `YYYY-MM-DD`: resolves RMC's two-digit years and GPS week roll-over (gnss-date.ts). Use the
   * software's build date or the last trusted date: a genuine GNSS date is never ~10 years before it.
   */
  referenceDate?: string;
  /**
   * `YYYY-MM-DD`: the day a capture was recorded (`--date`, or its `# Date:` comment), for a receiver
   * that sends no date at all (GLL only). Never set it from a clock: without it such fixes are
   * rejected as `no_date`, which is the truth for a live receiver.
   */
  captureDate?: string;
  /** A fix implying a faster move than this from the last accepted one is dropped (default 250). */
  maxSpeedKmh?: number;
}

/** Default reference date: this software did not exist before it, so neither can a current fix. */
export const defaultReferenceDate = "2026-01-01";

/** Lines longer than this are cut: NMEA sentences are short, and a runaway line is noise. */
const maxLineLength = 1024;

function hasSecondStart(text: string): boolean {
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x24 || c === 0x21) return true;
  }
  return false;
}

export class GnssPipeline implements FixDecoder {
  private readonly assembler: FixAssembler;
  private readonly gate: QualityGate;
  private readonly tally: Record<string, number> = {};
  private lastSentence: number | null = null;

  constructor(context: GnssPipelineContext = {}) {
    const referenceDate = context.referenceDate ?? defaultReferenceDate;
    const referenceDay = parseReferenceDate(referenceDate);
    if (referenceDay === null)
      throw new RangeError(`referenceDate must be YYYY-MM-DD, got "${referenceDate}"`);
    const assumedDay = context.captureDate === undefined ? null : parseReferenceDate(context.captureDate);
    if (assumedDay === null && context.captureDate !== undefined)
      throw new RangeError(`captureDate must be YYYY-MM-DD, got "${context.captureDate}"`);
    this.assembler = new FixAssembler({ referenceDay, assumedDay });
    this.gate = new QualityGate(
      context.maxSpeedKmh === undefined ? {} : { maxSpeedKmh: context.maxSpeedKmh },
    );
  }

  push(line: string, receivedAt: number): Fix[] {
    const fixes: Fix[] = [];
    try {
      const text = typeof line === "string" ? line.slice(0, maxLineLength) : "";
      // Fast path: one sentence on the line, as a healthy receiver sends.
      if (text.charCodeAt(0) === 0x24 && !hasSecondStart(text)) this.pushCandidate(text, receivedAt, fixes);
      else for (const candidate of splitCandidates(text)) this.pushCandidate(candidate, receivedAt, fixes);
    } catch {
      // Defensive: nothing above is known to throw, and a decoder must never stop the tracker.
      this.count("internal.error");
    }
    return fixes;
  }

  /** End of input: the last cycle's fix, if it is accepted. */
  flush(): Fix[] {
    const fixes: Fix[] = [];
    for (const candidate of this.assembler.flush()) this.judge(candidate, fixes);
    const incomplete = this.assembler.incompleteCycles();
    if (incomplete > 0) this.tally["cycle.incomplete"] = incomplete;
    return fixes;
  }

  counts(): Readonly<Record<string, number>> {
    const merged: Record<string, number> = { ...this.tally };
    for (const [key, n] of Object.entries(this.gate.counts())) {
      merged[key === "accepted" ? "fix.accepted" : `fix.rejected.${key}`] = n;
    }
    return merged;
  }

  satellites(): { used: number | null; inView: Readonly<Record<string, number>> } {
    return this.assembler.satellites();
  }

  /** Receive time of the last sentence that passed the frame check (any talker or type). */
  lastSentenceAt(): number | null {
    return this.lastSentence;
  }

  private pushCandidate(candidate: string, receivedAt: number, fixes: Fix[]): void {
    const verdict = checkFrame(candidate);
    if (!verdict.ok) {
      this.count(verdict.reason === "ais" ? "sentence.ais" : `frame.${verdict.reason}`);
      return;
    }
    this.lastSentence = receivedAt;
    const outcome = decodeFrame(verdict.frame);
    switch (outcome.kind) {
      case "unknown":
        this.count("sentence.unknown");
        return;
      case "proprietary":
        this.count("sentence.proprietary");
        return;
      case "error":
        this.count("parse.error");
        return;
      case "sentence":
        this.count("sentence.ok");
        for (const candidate of this.assembler.push(outcome.sentence)) this.judge(candidate, fixes);
    }
  }

  private judge(candidate: FixCandidate, fixes: Fix[]): void {
    const outcome = this.gate.assess(candidate);
    if (outcome.accepted) fixes.push(outcome.fix);
  }

  private count(key: string): void {
    this.tally[key] = (this.tally[key] ?? 0) + 1;
  }
}
