/**
 * Chaos (issue 9): random faults during a scripted shift, then proof that nothing was lost.
 *
 * A real mosquitto, the real dispatch service, the real core as a child process reading a GNSS pty
 * and the equipment controller emulator on another, a doctor on the core's kiosk API and a regulator
 * on dispatch's HTTP API (chaos-rig.ts, chaos-shift.ts, chaos-script.ts). During the shift every
 * fault of chaos-faults.ts strikes at seeded random times, some overlapping: broker kill -9, network
 * cut (paused broker), GNSS unplug, controller reboot, core kill -9, full data disk, clock jumps.
 * At the end (chaos-events.ts, chaos-track.ts):
 *  - every event the car committed is at dispatch exactly once, its seq without a gap, acked back;
 *  - missions, status, alarms and messages agree on both sides; dispatch's commands all arrived once;
 *  - every GNSS epoch missing from the car's track has a reason (a fault window), and the track at
 *    dispatch is the car's: nothing invented, everything stored offline backfilled, nothing unsent;
 *  - the core never crashed (a crash is restarted like systemd does, and fails the suite).
 *
 * Full disk, what the core does (and what this suite holds it to): it keeps running; fixes wait in
 * memory (bounded: 1 h at 10 Hz, oldest dropped first) and are stored once space is back; a status
 * or another event cannot be committed, so the doctor's command is refused and nothing is half-sent;
 * a command from dispatch is not acknowledged until it is stored, so the broker delivers it again.
 * Lost by design, and counted as such: the fixes held in memory when the power is cut during a full
 * disk.
 *
 * Fast (CI): a 60 s shift, each fault once. Long: SOSM_RELIABILITY=long [SOSM_CHAOS_MINUTES=20],
 * each fault every ~2.5 min. SOSM_CHAOS_SEED=n replays a schedule (the seed is printed). Figures go
 * to test-artifacts/reliability/chaos.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { defaultReportingPolicy } from "../../../src/domain/reporting-policy.ts";
import { waitUntil } from "../../support/socat.ts";
import { compareEvents, compareStates } from "./chaos-events.ts";
import { faultKinds, planFaults, runFaults } from "./chaos-faults.ts";
import { ChaosRig } from "./chaos-rig.ts";
import { CoreScreen, ScreenMonitor, type ScreenSample } from "./chaos-screen.ts";
import { runShiftScript } from "./chaos-script.ts";
import { Doctor, Regulator } from "./chaos-shift.ts";
import { checkTrack } from "./chaos-track.ts";
import { deathsOf, linkDownWindows, replugsOf } from "./chaos-windows.ts";

const long = process.env.SOSM_RELIABILITY === "long";
const shiftS = long ? Number(process.env.SOSM_CHAOS_MINUTES ?? 20) * 60 : 60;
const seed = Number(process.env.SOSM_CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const settleMs = long ? 240_000 : 90_000;
const root = join(import.meta.dirname, "../../..");
const vehicle = "BDX-07";

function log(line: string): void {
  process.stdout.write(`[chaos] ${line}\n`);
}

/** What must be true before the books are closed: every queue on both sides drained. */
function settled(rig: ChaosRig): { done: boolean; why: string } {
  const car = new Database(rig.car.dbPath, { readonly: true, fileMustExist: true });
  try {
    const outbox = (car.prepare("SELECT count(*) AS n FROM outbox").get() as { n: number }).n;
    const unacked = (
      car.prepare("SELECT count(*) AS n FROM deliveries WHERE state != 'received'").get() as { n: number }
    ).n;
    const unsent = (car.prepare("SELECT count(*) AS n FROM positions WHERE sent = 0").get() as { n: number })
      .n;
    const commands = (rig.dispatch.db.prepare("SELECT count(*) AS n FROM outbox").get() as { n: number }).n;
    const why = `car outbox ${outbox}, not acked ${unacked}, unsent fixes ${unsent}, dispatch outbox ${commands}`;
    return { done: outbox + unacked + unsent + commands === 0, why };
  } finally {
    car.close();
  }
}

/** When the shift got stuck: what each side still holds, and the core's last words. */
function diagnose(rig: ChaosRig): void {
  try {
    const car = new Database(rig.car.dbPath, { readonly: true, fileMustExist: true });
    const outbox = car.prepare("SELECT seq, type, created_at FROM outbox ORDER BY seq LIMIT 20").all();
    const open = car
      .prepare("SELECT seq, type, state FROM deliveries WHERE state != 'received' LIMIT 20")
      .all();
    car.close();
    log(`car outbox: ${JSON.stringify(outbox)}`);
    log(`car deliveries not acked: ${JSON.stringify(open)}`);
  } catch (error) {
    log(`car database unreadable: ${String(error)}`);
  }
  log(`dispatch car row: ${JSON.stringify(rig.dispatch.queries.car(vehicle))}`);
  log(`dispatch ingest: ${JSON.stringify(rig.dispatch.ingest.stats())}`);
  log(`core running ${rig.car.running}; output tail:\n${rig.car.output.slice(-4000)}`);
}

describe(`chaos (${long ? "long" : "fast"}, seed ${seed})`, () => {
  it(
    "keeps every event exactly once and the track complete through random faults",
    async () => {
      log(`seed ${seed} (SOSM_CHAOS_SEED=${seed} replays this schedule), shift ${shiftS} s`);
      const rig = new ChaosRig(seed);
      const monitor = new ScreenMonitor(new CoreScreen(rig));
      let stopAlarmDesk = () => {};
      try {
        await rig.start();
        log(
          `data disk: ${rig.tmpfs.ok ? "tmpfs" : `NO (${rig.tmpfs.reason})`}; clock: ${rig.faketime.ok ? "libfaketime" : `NO (${rig.faketime.reason})`}`,
        );
        const doctor = new Doctor(new CoreScreen(rig), long ? 600_000 : 120_000);
        const regulator = new Regulator(rig);
        await regulator.login();
        stopAlarmDesk = regulator.startAlarmDesk();
        monitor.start();
        await waitUntil(
          () => rig.dispatch.queries.car(vehicle)?.link.state === "online",
          "the car online at dispatch",
          60_000,
        );

        const plan = planFaults({ seed, shiftS, long });
        const shiftStart = Date.now();
        const faultsRun = runFaults(rig, plan, shiftStart, log);
        const script = await runShiftScript(doctor, regulator, shiftStart, { seed, shiftS, long, log }).catch(
          (error: unknown) => {
            diagnose(rig);
            throw error;
          },
        );
        const faults = await faultsRun;
        const shiftEnd = Date.now();

        // The car parks: the receiver goes quiet, and every queue must drain.
        rig.receiver.stop();
        let drained = settled(rig);
        while (!drained.done && Date.now() - shiftEnd < settleMs) {
          await new Promise((resolve) => setTimeout(resolve, 1000));
          drained = settled(rig);
        }
        if (!drained.done) log(`NOT SETTLED after ${settleMs / 1000} s: ${drained.why}`);
        const settleS = (Date.now() - shiftEnd) / 1000;
        await monitor.stop();
        const stoppedAt = Date.now();
        await rig.stopCore();

        const car = new Database(rig.car.dbPath, { readonly: true, fileMustExist: true });
        const db = rig.dispatch.db;
        const events = compareEvents(car, db, vehicle);
        const states = compareStates(car, db, vehicle, regulator);
        const deaths = deathsOf(
          rig.exits.filter((e) => e.at < stoppedAt),
          rig.starts,
          faults,
        );
        const linkDown = linkDownWindows(monitor.samples, deaths);
        const track = checkTrack({
          car,
          dispatch: db,
          vehicle,
          epochs: rig.receiver.epochs.filter((e) => e.time < shiftEnd),
          deaths,
          replugs: replugsOf(faults),
          silences: [
            ...faults.flatMap((f) => (f.kind === "gnss-unplug" && f.startedAt ? [f.startedAt] : [])),
            shiftEnd,
          ],
          linkDown,
          origin: shiftStart,
        });
        car.close();
        const stamps = db
          .prepare("SELECT ts, received_at FROM received WHERE vehicle = ?")
          .all(vehicle) as Array<{
          ts: string;
          received_at: number;
        }>;
        const crashes = rig.exits.filter((e) => !e.expected);
        const offsets = monitor.samples.map((s) => Math.abs(s.clockOffsetMs));

        const violations: string[] = [
          ...events.missing.map((m) => `event missing at dispatch: ${m}`),
          ...events.phantom.map((m) => `event at dispatch the car never sent: ${m}`),
          ...events.carSeqHoles.map((s) => `car seq ${s} missing or reused`),
          ...(events.dispatchSeqGaps !== 0 ? [`dispatch counts ${events.dispatchSeqGaps} missing seqs`] : []),
          ...(events.lastSeq !== events.sent
            ? [`dispatch's last seq ${events.lastSeq}, car sent ${events.sent}`]
            : []),
          ...(events.outboxLeft ? [`${events.outboxLeft} events left in the car's outbox`] : []),
          ...(events.notAcked ? [`${events.notAcked} events without dispatch's ack at the car`] : []),
          ...states.problems,
          ...(track.missing.unexplained
            ? [
                `${track.missing.unexplained} GNSS epochs missing from the track without a fault to explain it`,
              ]
            : []),
          ...(track.duplicatesInCarTrack + track.outOfOrderInCarTrack
            ? [
                `car track: ${track.duplicatesInCarTrack} duplicates, ${track.outOfOrderInCarTrack} out of order`,
              ]
            : []),
          ...(track.foreignFixTimes
            ? [`${track.foreignFixTimes} fixes with a time the receiver never sent`]
            : []),
          ...(track.unsentAtEnd
            ? [`${track.unsentAtEnd} fixes never sent to dispatch: ${JSON.stringify(track.unsentSample)}`]
            : []),
          ...track.phantomAtDispatch.map((t) => `position at dispatch the car never stored: ${t}`),
          ...(track.offlineMissingCount
            ? [
                `${track.offlineMissingCount} fixes stored offline missing at dispatch, first ${track.offlineMissingAtDispatch.slice(0, 5).join(", ")}`,
              ]
            : []),
          ...(track.latestAtDispatch.board !== track.latestAtDispatch.newest
            ? [
                `dispatch's latest position ${track.latestAtDispatch.board} is not its newest ${track.latestAtDispatch.newest}`,
              ]
            : []),
          ...(track.maxDispatchHoleS > defaultReportingPolicy.stationary.heartbeatS + 5
            ? [`dispatch's track has a ${track.maxDispatchHoleS} s hole`]
            : []),
          ...track.slowGnssResumes.map((r) => `GNSS resumed late after a replug at ${r}`),
          ...crashes.map((c) => `core crashed (${c.code ?? c.signal}): ${c.tail.slice(-600)}`),
          ...faults.filter((f) => f.error).map((f) => `fault ${f.kind} could not be injected: ${f.error}`),
        ];

        const report = {
          suite: "chaos",
          variant: long ? "long" : "fast",
          seed,
          replay: `SOSM_CHAOS_SEED=${seed}${long ? ` SOSM_RELIABILITY=long SOSM_CHAOS_MINUTES=${shiftS / 60}` : ""}`,
          startedAt: new Date(shiftStart).toISOString(),
          shiftS: Math.round((shiftEnd - shiftStart) / 1000),
          settleS: Math.round(settleS),
          capabilities: { tmpfs: rig.tmpfs, faketime: { ok: rig.faketime.ok, reason: rig.faketime.reason } },
          faults: faults.map((f) => ({
            kind: f.kind,
            atS: round((f.startedAt ?? shiftStart + f.atS * 1000) - shiftStart),
            durationS: round((f.endedAt ?? 0) - (f.startedAt ?? 0)),
            ...(f.forwardS === undefined ? {} : { forwardS: f.forwardS, backwardS: f.backwardS }),
            ...(f.skipped ? { skipped: f.skipped } : {}),
            ...(f.error ? { error: f.error } : {}),
            ...f.details,
          })),
          faultCounts: Object.fromEntries(
            faultKinds.map((k) => [k, faults.filter((f) => f.kind === k && f.startedAt !== null).length]),
          ),
          script,
          events: { ...events, missing: events.missing.length, phantom: events.phantom.length },
          dispatchIngest: rig.dispatch.ingest.stats(),
          states,
          track,
          lostByDesign: { fixes: track.missing["lost-by-design"] },
          clock: {
            maxObservedOffsetS: round(Math.max(0, ...offsets)),
            eventsStampedAhead: stamps.filter((s) => Date.parse(s.ts) > s.received_at + 5000).length,
            eventsStampedBeforeShift: stamps.filter((s) => Date.parse(s.ts) < shiftStart - 60_000).length,
          },
          core: {
            starts: rig.starts.length,
            crashes: crashes.map((c) => ({
              atS: round(c.at - shiftStart),
              code: c.code,
              signal: c.signal,
              tail: c.tail,
            })),
          },
          doctor: doctor.stats,
          // What the car's screen said about its links, on each change (for diagnosis).
          screen: transitions(monitor.samples, shiftStart),
          violations,
        };
        mkdirSync(join(root, "test-artifacts/reliability"), { recursive: true });
        writeFileSync(
          join(root, "test-artifacts/reliability/chaos.json"),
          `${JSON.stringify(report, null, 2)}\n`,
        );
        // The core's own log (warnings and errors of every run), to read what it did when a check failed.
        if (violations.length > 0)
          writeFileSync(join(root, "test-artifacts/reliability/chaos-core.log"), rig.car.output);
        log(
          `faults ${faults.filter((f) => f.startedAt !== null).length} (${faults.filter((f) => f.skipped).length} skipped); ` +
            `events ${events.sent} sent / ${events.received} at dispatch, ${rig.dispatch.ingest.stats().duplicates} duplicates dropped; ` +
            `fixes ${track.stored} stored of ${track.epochs} epochs, ${track.atDispatch} at dispatch; ` +
            `missing ${JSON.stringify(track.missing)}; core starts ${rig.starts.length}, crashes ${crashes.length}; ` +
            `settled in ${Math.round(settleS)} s; violations ${violations.length}`,
        );
        for (const violation of violations.slice(0, 30)) log(`VIOLATION ${violation}`);
        expect(violations).toEqual([]);
        expect(script.panics).toBe(1);
      } finally {
        stopAlarmDesk();
        await monitor.stop();
        await rig.close();
      }
    },
    (shiftS + 300) * 1000 + settleMs,
  );
});

function transitions(samples: readonly ScreenSample[], origin: number) {
  const changes: Array<{ tS: number; link: string; gnss: string; clockOffsetS: number }> = [];
  for (const sample of samples) {
    const last = changes.at(-1);
    const offset = Math.round(sample.clockOffsetMs / 1000);
    if (
      last &&
      last.link === sample.link &&
      last.gnss === sample.gnss &&
      Math.abs(last.clockOffsetS - offset) < 5
    )
      continue;
    changes.push({
      tS: round(sample.t - origin),
      link: sample.link,
      gnss: sample.gnss,
      clockOffsetS: offset,
    });
  }
  return changes;
}

function round(ms: number): number {
  return Math.round(ms / 100) / 10;
}
