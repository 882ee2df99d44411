/**
 * Groups decoded sentences into receiver cycles and makes one fix candidate per cycle.
 *
 * A receiver sends, for each epoch, a burst of sentences (RMC, GGA, GSA, GSV, VTG, ZDA...) that
 * share one time of day; no single sentence says everything (RMC has the date, speed and course;
 * GGA the quality, satellites, HDOP and altitude; GSA 2D/3D). The cycle boundary is a change of
 * time of day, which works at 1 Hz and 10 Hz alike and needs no knowledge of which sentence a given
 * receiver sends last (gpsd has to learn that per device). The price is one cycle of latency: a
 * cycle is complete when the next one starts, or at `flush()`.
 *
 * Sentences without a time (GSA, GSV, VTG) belong to the cycle open when they arrive. GSA sets are
 * kept per cycle and carried over when a receiver sends them less often than position sentences.
 */
import { GnssDateResolver } from "./gnss-date.ts";
import {
  constellationOfTalker,
  type GgaSentence,
  type GllSentence,
  type GnsSentence,
  type GnssSentence,
  type GsaSentence,
  type GsvSentence,
  type RmcSentence,
  type VtgSentence,
  type ZdaSentence,
} from "./sentences.ts";

/** What one receiver cycle says about the position; the quality gate decides if it is a fix. */
export interface FixCandidate {
  /** GNSS time, epoch ms; null while no date (RMC or ZDA) has been seen. */
  timeMs: number | null;
  timeOfDayMs: number;
  lat: number | null;
  lon: number | null;
  /** Metres above mean sea level (GGA or GNS). */
  altMsl: number | null;
  /** Metres per second over ground (RMC, else VTG). */
  speedMs: number | null;
  /** Degrees true (RMC, else VTG). */
  courseTrue: number | null;
  /** GGA quality code (0-8). */
  ggaQuality: number | null;
  /** RMC and GLL status letters seen in the cycle. */
  statuses: ReadonlyArray<"A" | "V">;
  /** FAA mode letters seen in the cycle (RMC, GLL, VTG, and every letter of GNS). */
  modes: readonly string[];
  /** Best GSA mode of the last GSA set: 1 no fix, 2 2D, 3 3D. */
  gsaMode: 1 | 2 | 3 | null;
  satsUsed: number | null;
  hdop: number | null;
}

export interface SatelliteSummary {
  used: number | null;
  inView: Readonly<Record<string, number>>;
}

interface Cycle {
  timeOfDayMs: number;
  rmc: RmcSentence | null;
  gga: GgaSentence | null;
  gll: GllSentence | null;
  gns: GnsSentence | null;
  vtg: VtgSentence | null;
  zda: ZdaSentence | null;
  gsa: GsaSentence[];
  /** The last position sentence of the cycle that carried a position. */
  lastPosition: { lat: number; lon: number } | null;
}

const knotsToMs = 1852 / 3600;
/**
 * Cycles held while no date is known yet (a log or a power-up that starts with GGA before the first
 * RMC): they are dated backwards from the first RMC/ZDA. 20 cycles = 2 s at 10 Hz, 20 s at 1 Hz;
 * a receiver that never sends a date sees them released undated (and rejected as `no_date`).
 */
const maxUndatedCycles = 20;

export class FixAssembler {
  private readonly dates: GnssDateResolver;
  private cycle: Cycle | null = null;
  /** VTG and GSA that arrived before any timed sentence: they open the first cycle. */
  private orphanGsa: GsaSentence[] = [];
  private lastGsaSet: GsaSentence[] = [];
  /** Satellites in view: constellation → signal id (-1 when none) → count. */
  private readonly inView = new Map<string, Map<number, number>>();
  private used: number | null = null;
  private undated: FixCandidate[] = [];
  /** Position sentence types (bit masks) of the last closed cycles that had any, newest last. */
  private signatures: number[] = [];
  private incomplete = 0;

  constructor(context: { referenceDay: number; assumedDay?: number | null }) {
    this.dates = new GnssDateResolver(context.referenceDay, context.assumedDay ?? null);
  }

  /**
   * Adds a sentence. Returns the candidates completed by it, oldest first: usually none, or the
   * previous cycle's when this sentence starts a new cycle.
   */
  push(sentence: GnssSentence): FixCandidate[] {
    switch (sentence.type) {
      case "GSV":
        this.recordInView(sentence);
        return [];
      case "GSA":
        pushBounded(this.cycle ? this.cycle.gsa : this.orphanGsa, sentence);
        return [];
      case "VTG":
        if (this.cycle) this.cycle.vtg = sentence;
        return [];
    }
    // A position or date sentence without a time of day cannot be placed in a cycle or dated.
    if (sentence.timeOfDayMs === null) return [];
    let completed: FixCandidate[] = [];
    if (this.cycle !== null && this.cycle.timeOfDayMs !== sentence.timeOfDayMs) {
      completed = this.release(this.close(this.cycle));
      this.cycle = null;
    }
    if (this.cycle === null) {
      this.cycle = this.open(sentence.timeOfDayMs);
    }
    const cycle = this.cycle;
    if (sentence.type !== "ZDA" && sentence.lat !== null && sentence.lon !== null) {
      cycle.lastPosition = { lat: sentence.lat, lon: sentence.lon };
    }
    switch (sentence.type) {
      case "RMC":
        cycle.rmc = sentence;
        break;
      case "GGA":
        cycle.gga = sentence;
        break;
      case "GLL":
        cycle.gll = sentence;
        break;
      case "GNS":
        cycle.gns = sentence;
        break;
      case "ZDA":
        cycle.zda = sentence;
        break;
    }
    return completed;
  }

  /**
   * End of input: the candidates still held (dated from the capture's day if one is assumed, else
   * undated) and the open cycle's, if that cycle is complete. A cycle cut short (the input stopped
   * after its RMC, before its GGA) lacks the sentences that qualify it (quality, satellites); it is
   * complete when it has every position sentence type (and ZDA) that each of the last three cycles
   * had (ublox-lea-4s ends each cycle with its ZDA; the capture stops before the last one's). gpsd
   * does not report such a cycle either (it waits for the sentence it learnt ends a cycle).
   */
  flush(): FixCandidate[] {
    const cycle = this.cycle;
    this.cycle = null;
    let candidate: FixCandidate | null = null;
    if (cycle) {
      // Required: the types every one of the last few cycles had (some receivers alternate).
      const required = this.signatures.reduce((all, mask) => all & mask, 0b11111);
      const complete = this.signatures.length < 2 || (signatureOf(cycle) & required) === required;
      candidate = this.close(cycle);
      if (!complete && candidate !== null) {
        this.incomplete++;
        candidate = null;
      }
    }
    const out = this.release(candidate);
    const first = this.undated[0];
    // The input ended with no date from the receiver: date what is held from the assumed day, if any.
    if (first && this.dates.assume(first.timeOfDayMs)) return [...this.datedHeld(), ...out];
    return [...this.undated.splice(0), ...out];
  }

  /** Cycles dropped by `flush()` because they were cut short. */
  incompleteCycles(): number {
    return this.incomplete;
  }

  /** Holds undated candidates until a date arrives, then dates them from it (oldest first). */
  private release(candidate: FixCandidate | null): FixCandidate[] {
    const out: FixCandidate[] = [];
    if (this.undated.length > 0 && this.dates.lastKnown() !== null) out.push(...this.datedHeld());
    if (candidate === null) return out;
    if (candidate.timeMs !== null) {
      out.push(candidate);
      // Released in time order: a receiver's first sentence may be later than the one that dates it
      // (ericsson-gru04 sends GGA 17:06:55 before ZDA 17:06:00), and the gate drops what is older.
      return out.length > 1 ? out.sort((a, b) => (a.timeMs ?? 0) - (b.timeMs ?? 0)) : out;
    }
    this.undated.push(candidate);
    if (this.undated.length > maxUndatedCycles) {
      const first = this.undated[0];
      // A receiver that sends no date at all: the assumed day (a capture's), or released undated.
      if (first && this.dates.assume(first.timeOfDayMs)) out.push(...this.datedHeld());
      else out.push(...this.undated.splice(0, 1));
    }
    return out;
  }

  /**
   * The held candidates dated from the current anchor, oldest first. When the anchor came from a
   * later dated sentence, each is dated backwards across midnight if need be.
   */
  private datedHeld(): FixCandidate[] {
    return this.undated.splice(0).map((held) => ({ ...held, timeMs: this.dates.undated(held.timeOfDayMs) }));
  }

  satellites(): SatelliteSummary {
    const inView: Record<string, number> = {};
    for (const [constellation, bySignal] of this.inView) {
      // NMEA 4.10 receivers send one GSV group per signal (L1, L5...): the satellites are the same.
      inView[constellation] = Math.max(...bySignal.values());
    }
    return { used: this.used, inView };
  }

  private open(timeOfDayMs: number): Cycle {
    const cycle: Cycle = {
      timeOfDayMs,
      rmc: null,
      gga: null,
      gll: null,
      gns: null,
      vtg: null,
      zda: null,
      gsa: this.orphanGsa,
      lastPosition: null,
    };
    this.orphanGsa = [];
    return cycle;
  }

  private recordInView(gsv: GsvSentence): void {
    if (gsv.inView === null || gsv.inView < 0) return;
    const constellation = constellationOfTalker(gsv.talker);
    let bySignal = this.inView.get(constellation);
    if (!bySignal) {
      bySignal = new Map();
      this.inView.set(constellation, bySignal);
    }
    bySignal.set(gsv.signalId ?? -1, gsv.inView);
  }

  private close(cycle: Cycle): FixCandidate | null {
    if (cycle.gsa.length > 0) this.lastGsaSet = cycle.gsa;
    const { rmc, gga, gll, gns, vtg, zda } = cycle;
    const date = zda?.date ?? rmc?.date ?? null;
    const timeMs =
      date !== null ? this.dates.dated(date, cycle.timeOfDayMs) : this.dates.undated(cycle.timeOfDayMs);
    const gsaUsed =
      this.lastGsaSet.length > 0 ? this.lastGsaSet.reduce((n, g) => n + g.prns.length, 0) : null;
    const satsUsed = gga?.satsUsed ?? gns?.satsUsed ?? null;
    this.used = satsUsed ?? gsaUsed;
    if (!rmc && !gga && !gll && !gns) return null;
    this.signatures.push(signatureOf(cycle));
    if (this.signatures.length > 3) this.signatures.shift();
    // Position: the cycle's last sentence that carried one, as gpsd reports it (values carry over
    // within a cycle). Where GGA and RMC differ it is only in the number of decimals (ac12:
    // 5 against 4 decimals of a minute, under 0.2 m).
    const source = cycle.lastPosition;
    const statuses = [rmc?.status, gll?.status].filter((s): s is "A" | "V" => s === "A" || s === "V");
    const modes = [rmc?.mode, gll?.mode, vtg?.mode, ...(gns?.modes ?? "")].filter(
      (m): m is string => typeof m === "string" && m.length > 0,
    );
    let gsaMode: 1 | 2 | 3 | null = null;
    for (const g of this.lastGsaSet)
      if (g.mode !== null && (gsaMode === null || g.mode > gsaMode)) gsaMode = g.mode;
    const gsaHdop = this.lastGsaSet.find((g) => g.hdop !== null)?.hdop ?? null;
    return {
      timeMs,
      timeOfDayMs: cycle.timeOfDayMs,
      lat: source?.lat ?? null,
      lon: source?.lon ?? null,
      altMsl: gga?.altMsl ?? gns?.altMsl ?? null,
      speedMs: speedMs(rmc, vtg),
      courseTrue: rmc?.courseTrue ?? vtg?.courseTrue ?? null,
      ggaQuality: gga?.quality ?? null,
      statuses,
      modes,
      gsaMode,
      satsUsed: satsUsed ?? gsaUsed,
      hdop: gga?.hdop ?? gns?.hdop ?? gsaHdop,
    };
  }
}

/**
 * One GSA per constellation and cycle (six systems in NMEA 4.11); a receiver stuck on one time of
 * day, or sending GSA alone, must not grow memory without end.
 */
const maxGsaPerCycle = 8;

function pushBounded(list: GsaSentence[], gsa: GsaSentence): void {
  list.push(gsa);
  if (list.length > maxGsaPerCycle) list.shift();
}

function signatureOf(cycle: Cycle): number {
  return (
    (cycle.rmc ? 1 : 0) |
    (cycle.gga ? 2 : 0) |
    (cycle.gll ? 4 : 0) |
    (cycle.gns ? 8 : 0) |
    (cycle.zda ? 16 : 0)
  );
}

function speedMs(rmc: RmcSentence | null, vtg: VtgSentence | null): number | null {
  const knots = rmc?.speedKnots ?? vtg?.speedKnots ?? null;
  if (knots !== null) return knots * knotsToMs;
  const kmh = vtg?.speedKmh ?? null;
  return kmh === null ? null : kmh / 3.6;
}
