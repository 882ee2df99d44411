/**
 * The end-of-shift invariants on the track.
 *
 * GNSS time is the test's own clock (chaos-gnss.ts), so every epoch the receiver produced can be
 * put against the car's stored track, and every missing second must have a reason:
 *  - `receiver`: the receiver could not put it on the line (GNSS unplugged, or nobody reading and
 *    the pty buffers full);
 *  - `core-down`: the core was dead (from 2.5 s before a kill: the tracker writes its batch once a
 *    second, a little later on a loaded box) until it stored again after its restart;
 *  - `gnss-reconnect`: after a replug, until the core's reopen loop (backoff ×1.5) found the port;
 *  - `last-cycle`: the epoch just before the receiver fell silent (unplug, end of the shift): a cycle
 *    is complete when the next one starts (src/domain/gnss/fix-assembler.ts);
 *  - `lost-by-design`: fixes kept in memory during a full disk, lost in a power cut before space came
 *    back (the tracker cannot store them anywhere);
 *  - anything else is `unexplained`: a real loss.
 * Then against dispatch:
 *  - every position dispatch holds is a fix the car stored (same GNSS time and place): no phantom,
 *    nothing stamped with a jumped system clock;
 *  - every fix the car stored while its link was down (seen on its own screen), or in the 18 s
 *    before the link dropped (the live stream only counts as delivered after 2 × keepalive + 10 s),
 *    reached dispatch: that is the backfill's promise;
 *  - at the end the car has no unsent fix (everything was backfilled or covered by the live stream);
 *  - dispatch's "latest position" is its newest fix by GNSS time.
 */
import type { Database } from "better-sqlite3";
import type { EpochRecord } from "../../support/chaos-gnss.ts";

export type MissingReason =
  | "receiver"
  | "core-down"
  | "gnss-reconnect"
  | "last-cycle"
  | "lost-by-design"
  | "unexplained";

export interface Window {
  from: number;
  to: number;
}

export interface TrackInputs {
  car: Database;
  dispatch: Database;
  vehicle: string;
  epochs: readonly EpochRecord[];
  /** Core deaths (test clock) with the next start, and whether the disk was full since `fullSince`. */
  deaths: ReadonlyArray<{ at: number; restartedAt: number | null; fullSince: number | null }>;
  /** GNSS replugs (test clock). */
  replugs: readonly number[];
  /** When the receiver fell silent: unplugs, and the end of the shift (test clock). */
  silences: readonly number[];
  /** Windows where the car's screen showed its dispatch link down (test clock). */
  linkDown: readonly Window[];
  /** Test clock at the shift's start: times in the report are relative to it. */
  origin: number;
}

export interface TrackReport {
  epochs: number;
  stored: number;
  missing: Record<MissingReason, number>;
  /** Runs of missing seconds, with their reason. */
  gaps: Array<{ fromS: number; seconds: number; reason: MissingReason }>;
  duplicatesInCarTrack: number;
  outOfOrderInCarTrack: number;
  /** Fixes whose GNSS time the receiver never sent (a clock jump leaking into fix times). */
  foreignFixTimes: number;
  unsentAtEnd: number;
  /** The first unsent fixes: when (s into the shift) and how far the car's receive time was off. */
  unsentSample: Array<{ tS: number; receivedOffsetS: number }>;
  /** Fixes dispatch got live that the car then lost in a power cut (not phantoms). */
  atDispatchOnly: number;
  atDispatch: number;
  phantomAtDispatch: string[];
  /** Fixes stored while the link was down that dispatch does not have. */
  offlineFixes: number;
  offlineMissingCount: number;
  offlineMissingAtDispatch: string[];
  latestAtDispatch: { board: string | null; newest: string | null };
  /** Longest stretch of the car's track with no position at dispatch, seconds. */
  maxDispatchHoleS: number;
  /** Replug → first fix stored again, seconds, per replug. */
  gnssResumeS: number[];
  /** Replugs after which the core took longer than its reopen backoff allows (30 s + slack). */
  slowGnssResumes: string[];
  /** Restart → first fix stored again, seconds, per core restart. */
  coreResumeS: number[];
}

interface CarFix {
  id: number;
  fix_time: string;
  fix_time_ms: number;
  lat: number;
  lon: number;
  sent: number;
  received_at: number;
}

const within = (t: number, w: Window) => t >= w.from && t <= w.to;
/**
 * The tracker writes its batch at most 1 s after its first fix; on a loaded box the timer may run
 * late, so what a power cut (or a full disk) can catch in memory is the last ~2.5 s.
 */
const unflushedMs = 2500;
/** The reopen backoff's longest delay (30 s), plus a loaded box's slack. */
const maxGnssResumeMs = 45_000;

export function checkTrack(input: TrackInputs): TrackReport {
  const { car, dispatch, vehicle, epochs, origin } = input;
  const fixes = car
    .prepare("SELECT id, fix_time, fix_time_ms, lat, lon, sent, received_at FROM positions ORDER BY id")
    .all() as CarFix[];
  const byTime = new Map<number, CarFix>();
  let duplicates = 0;
  let outOfOrder = 0;
  fixes.forEach((fix, i) => {
    if (byTime.has(fix.fix_time_ms)) duplicates++;
    byTime.set(fix.fix_time_ms, fix);
    const previous = fixes[i - 1];
    if (previous && fix.fix_time_ms <= previous.fix_time_ms) outOfOrder++;
  });
  const epochTimes = new Set(epochs.map((e) => e.time));
  const foreign = fixes.filter((f) => !epochTimes.has(f.fix_time_ms)).length;
  const storedTimes = fixes.map((f) => f.fix_time_ms).sort((a, b) => a - b);
  const firstStoredAfter = (t: number) => storedTimes.find((s) => s >= t) ?? Number.POSITIVE_INFINITY;

  // Reasons for missing seconds, by window.
  const firstStart = epochs[0]?.time ?? origin;
  const coreDown: Window[] = [{ from: firstStart, to: firstStoredAfter(firstStart) }];
  const lostByDesign: Window[] = [];
  const coreResumeS: number[] = [];
  for (const death of input.deaths) {
    const resumed =
      death.restartedAt === null ? Number.POSITIVE_INFINITY : firstStoredAfter(death.restartedAt);
    if (death.restartedAt !== null && Number.isFinite(resumed))
      coreResumeS.push(round((resumed - death.restartedAt) / 1000));
    coreDown.push({ from: death.at - unflushedMs, to: resumed });
    if (death.fullSince !== null) lostByDesign.push({ from: death.fullSince - unflushedMs, to: death.at });
  }
  const reconnect: Window[] = [];
  const gnssResumeS: number[] = [];
  const slowResumes: string[] = [];
  for (const replug of input.replugs) {
    const resumed = firstStoredAfter(replug);
    if (Number.isFinite(resumed)) gnssResumeS.push(round((resumed - replug) / 1000));
    // The core reopens the port with a delay growing ×1.5 up to 30 s (README): waiting longer is a
    // wedge, even when a later power cut (and the restart) is what ended it.
    const death = Math.min(...input.deaths.filter((d) => d.at >= replug).map((d) => d.at));
    const waited = Math.min(resumed, death) - replug;
    if (waited > maxGnssResumeMs)
      slowResumes.push(
        `t=${round((replug - origin) / 1000)} s: none stored for ${round(waited / 1000)} s${death < resumed ? " (until a restart)" : ""}`,
      );
    reconnect.push({ from: replug, to: resumed });
  }
  const reasonOf = (epoch: EpochRecord): MissingReason => {
    if (epoch.fate !== "written") return "receiver";
    if (input.silences.some((t) => epoch.time <= t && epoch.time > t - 1500)) return "last-cycle";
    if (lostByDesign.some((w) => within(epoch.time, w))) return "lost-by-design";
    if (coreDown.some((w) => within(epoch.time, w))) return "core-down";
    if (reconnect.some((w) => within(epoch.time, w))) return "gnss-reconnect";
    return "unexplained";
  };
  const missing: Record<MissingReason, number> = {
    receiver: 0,
    "core-down": 0,
    "gnss-reconnect": 0,
    "last-cycle": 0,
    "lost-by-design": 0,
    unexplained: 0,
  };
  const gaps: TrackReport["gaps"] = [];
  for (const epoch of epochs) {
    if (byTime.has(epoch.time)) continue;
    const reason = reasonOf(epoch);
    missing[reason]++;
    const last = gaps.at(-1);
    const fromS = round((epoch.time - origin) / 1000);
    if (last && last.reason === reason && Math.abs(last.fromS + last.seconds - fromS) < 0.01) last.seconds++;
    else gaps.push({ fromS, seconds: 1, reason });
  }

  // Dispatch's side.
  const atDispatch = dispatch
    .prepare("SELECT fix_time, lat, lon FROM positions WHERE vehicle = ? ORDER BY fix_time")
    .all(vehicle) as Array<{ fix_time: string; lat: number; lon: number }>;
  const carByText = new Map(fixes.map((f) => [f.fix_time, f]));
  // A fix published live and then lost from the car's memory by a power cut is at dispatch only:
  // real (a receiver epoch, in a window where the car lost fixes), not invented.
  const lossWindows = [...coreDown, ...lostByDesign];
  let dispatchOnly = 0;
  const phantom = atDispatch
    .filter((p) => {
      const fix = carByText.get(p.fix_time);
      if (fix) return Math.abs(fix.lat - p.lat) > 1e-7 || Math.abs(fix.lon - p.lon) > 1e-7;
      const t = Date.parse(p.fix_time);
      if (epochTimes.has(t) && lossWindows.some((w) => within(t, w))) {
        dispatchOnly++;
        return false;
      }
      return true;
    })
    .map((p) => `${p.fix_time} (t=${round((Date.parse(p.fix_time) - origin) / 1000)} s)`);
  const dispatchTimes = new Set(atDispatch.map((p) => p.fix_time));
  const offline = fixes.filter((f) => input.linkDown.some((w) => within(f.fix_time_ms, w)));
  const offlineMissing = offline
    .filter((f) => !dispatchTimes.has(f.fix_time))
    .map((f) => `${f.fix_time} (t=${round((f.fix_time_ms - origin) / 1000)} s)`);
  const board = dispatch.prepare("SELECT position_json FROM cars WHERE vehicle = ?").get(vehicle) as
    | { position_json: string | null }
    | undefined;
  let maxHole = 0;
  let lastSeen: number | null = null;
  for (const fix of fixes) {
    if (dispatchTimes.has(fix.fix_time)) lastSeen = fix.fix_time_ms;
    else if (lastSeen !== null) maxHole = Math.max(maxHole, (fix.fix_time_ms - lastSeen) / 1000);
  }
  return {
    epochs: epochs.length,
    stored: fixes.length,
    missing,
    gaps: gaps.filter((g) => g.reason !== "receiver" || g.seconds > 1),
    duplicatesInCarTrack: duplicates,
    outOfOrderInCarTrack: outOfOrder,
    foreignFixTimes: foreign,
    unsentAtEnd: fixes.filter((f) => f.sent === 0).length,
    unsentSample: fixes
      .filter((f) => f.sent === 0)
      .slice(0, 10)
      .map((f) => ({
        tS: round((f.fix_time_ms - origin) / 1000),
        receivedOffsetS: round((f.received_at - f.fix_time_ms) / 1000),
      })),
    atDispatchOnly: dispatchOnly,
    atDispatch: atDispatch.length,
    phantomAtDispatch: phantom.slice(0, 20),
    offlineFixes: offline.length,
    offlineMissingCount: offlineMissing.length,
    offlineMissingAtDispatch: offlineMissing.slice(0, 50),
    latestAtDispatch: {
      board: board?.position_json
        ? ((JSON.parse(board.position_json) as { fixTime: string }).fixTime ?? null)
        : null,
      newest: atDispatch.at(-1)?.fix_time ?? null,
    },
    maxDispatchHoleS: round(maxHole),
    gnssResumeS,
    slowGnssResumes: slowResumes,
    coreResumeS,
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
