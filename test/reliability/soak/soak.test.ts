/**
 * Soak (issue 9): one car through a shift with a 10 Hz multi-GNSS receiver, in accelerated time.
 * The real core (`sosm core`, its own process, under libfaketime ×RATE) reads generated NMEA from a
 * real pty, talks to a real mosquitto and a real dispatch, and lives a shift of missions, statuses,
 * messages and reports, with the equipment emulator on its second pty. Sampled from outside: RSS,
 * heap, descriptors, handles, SQLite file and WAL stay bounded (rule in bounded.ts); nothing leaks.
 *
 *   fast (default, CI): 1 simulated hour, ×100           npx vitest run test/reliability/soak
 *   long: the full 24 h at 10 Hz (864,000 cycles)        SOSM_RELIABILITY=long npx vitest run test/reliability/soak
 *   knobs: SOSM_SOAK_HOURS, SOSM_SOAK_RATE (clock ×, default 100), SOSM_SOAK_SAMPLE_MINUTES (5 long, 2 fast)
 *
 * Figures: test-artifacts/reliability/soak.json; charts: docs/reliability/soak-*.png (long) or
 * test-artifacts/reliability/soak-*.png (fast, so that CI never rewrites the docs).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { libfaketimePath } from "../../support/soak-clock.ts";
import { trackCounts } from "../../support/soak-sampler.ts";
import { judge, logSummary, summaryLines, type Verdicts, writeCharts } from "./soak-report.ts";
import { SoakRig } from "./soak-rig.ts";
import {
  playShift,
  purgedMissions,
  type ShiftRun,
  signInDoctor,
  waitForAcknowledgements,
} from "./soak-run.ts";

const root = join(import.meta.dirname, "../../..");
const long = process.env.SOSM_RELIABILITY === "long";
const knob = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const hours = knob("SOSM_SOAK_HOURS", long ? 24 : 1);
const rate = knob("SOSM_SOAK_RATE", 100);
const sampleEveryMinutes = knob("SOSM_SOAK_SAMPLE_MINUTES", long ? 5 : 2);
const artifacts = join(root, "test-artifacts/reliability");
const chartsDir = long ? join(root, "docs/reliability") : artifacts;
const expectedRealS = (hours * 3600) / rate;

let rig: SoakRig;
let run: ShiftRun;
let verdicts: Verdicts;
let unacked = 0;
let burstCyclesPerS = 0;
let burstStoredPerS = 0;
let shiftFeed = { cycles: 0, bytes: 0 };
let exit: { code: number | null; signal: string | null } = { code: null, signal: null };
let dispatchMissions: Array<{ missionId: string; state: string }> = [];
let seqGaps = -1;
let purgedOnCar = 0;
const startedAt = performance.now();

beforeAll(
  async () => {
    if (libfaketimePath() === null) throw new Error("the soak needs Debian's faketime package (libfaketime)");
    // Yesterday's track up to the start (24 h: steady state), or as much as the shift will prune.
    rig = new SoakRig({ rate, seedHours: Math.min(24, hours), equipment: true, purgeAfterHours: hours / 2 });
    await rig.start();
    await signInDoctor(rig);
    await waitUntilOnline(rig);
    run = await playShift(rig, hours, sampleEveryMinutes * 60_000);
    unacked = await waitForAcknowledgements(rig);
    const car = rig.dispatch.queries.car("BDX-07");
    seqGaps = car?.seqGaps ?? -1;
    dispatchMissions = run.missionIds.map((id) => ({
      missionId: id,
      state: rig.dispatch.queries.mission(id)?.state ?? "missing",
    }));
    shiftFeed = { cycles: run.feeder.cyclesWritten, bytes: run.feeder.bytesWritten };
    // After the last sample: how fast the pipeline goes when nothing paces it (5 real seconds). Ids
    // are never reused, so the highest id counts the points stored even if retention runs meanwhile.
    const idBefore = trackCounts(rig.car.dbPath).maxId;
    burstCyclesPerS = await run.feeder.burst(5000);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the tracker's last batch (≤ 1 s)
    burstStoredPerS = (trackCounts(rig.car.dbPath).maxId - idBefore) / 5;
    exit = await rig.stopCore();
    purgedOnCar = purgedMissions(rig.car.dbPath);
    verdicts = judge(run.samples, hours);
    const charts = await writeCharts(run.samples, hours, verdicts, chartsDir);
    report(charts);
  },
  (expectedRealS * 2 + 180) * 1000,
);

afterAll(async () => {
  await rig?.close();
});

async function waitUntilOnline(soak: SoakRig): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (soak.dispatch.queries.car("BDX-07")?.link.state !== "online") {
    if (Date.now() > deadline) throw new Error(`the car never came online:\n${soak.car.output.slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function report(charts: string[]): void {
  const samples = run.samples;
  const last = samples[samples.length - 1];
  const cyclesPerS = shiftFeed.cycles / run.realS;
  const figures = {
    suite: "soak",
    variant: long ? "long" : "fast",
    settings: {
      hours,
      rate,
      sampleEveryMinutes,
      seedHours: Math.min(24, hours),
      retentionDays: 1,
      purgeAfterHours: hours / 2,
    },
    realDurationS: Math.round((performance.now() - startedAt) / 1000),
    shiftRealS: Math.round(run.realS),
    feed: {
      cycles: shiftFeed.cycles,
      bytes: shiftFeed.bytes,
      cyclesPerS: Math.round(cyclesPerS),
      bytesPerS: Math.round(shiftFeed.bytes / run.realS),
      maxLagCycles: run.feeder.lagCycles().max,
      burst: { writtenCyclesPerS: Math.round(burstCyclesPerS), storedFixesPerS: Math.round(burstStoredPerS) },
    },
    clockErrorMaxMs: Math.round(run.clockErrorMaxMs),
    bounded: verdicts,
    track: {
      seeded: rig.seededRows,
      rowsFinal: last?.trackRows,
      unsentFinal: last?.unsent,
      pruned: last?.pruned,
      oldestAgeH: last?.oldestAgeH,
    },
    dispatch: {
      positions: last?.dispatchPositions,
      missions: dispatchMissions,
      patientDataPurgedOnCar: purgedOnCar,
      seqGaps,
      unacknowledgedDeliveries: unacked,
    },
    doctor: { commands: rig.doctor.commands, unlocks: rig.doctor.unlocks, refusals: rig.doctor.refusals },
    operatorLogins: rig.operator.logins,
    coreExit: exit,
    // Under ×RATE a 50 ms stall of either process is 5 simulated seconds: equipment link losses and
    // MQTT reconnects counted here are mostly that, not faults of the car.
    coreLog: logSummary(rig.car.output),
    cpuS: last?.cpuS,
    charts: charts.map((path) => path.slice(root.length + 1)),
    samples,
  };
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(join(artifacts, "soak.json"), `${JSON.stringify(figures, null, 2)}\n`);
  const lines = summaryLines({
    variant: figures.variant,
    hours,
    rate,
    realS: run.realS,
    cyclesPerS,
    burstCyclesPerS: burstStoredPerS,
    samples,
    verdicts,
  });
  process.stdout.write(`${lines.join("\n")}\n`);
}

describe(`soak: one car through a ${hours} h shift at 10 Hz, time ×${rate}`, () => {
  it("feeds every 10 Hz cycle of the shift, and the core keeps up and stops cleanly", () => {
    expect(shiftFeed.cycles).toBe(hours * 36_000);
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it("keeps RSS, heap, the SQLite file and its WAL bounded", () => {
    for (const metric of ["rss", "heapUsed", "dbBytes", "walBytes"] as const)
      expect({ metric, ...verdicts[metric] }).toMatchObject({ metric, ok: true });
  });

  it("leaks no descriptor and no libuv handle", () => {
    for (const metric of ["fds", "handles"] as const) {
      const v = verdicts[metric];
      expect({ metric, ...v }).toMatchObject({ metric, ok: true });
      expect(v.last).toBeLessThanOrEqual(v.afterWarmup + 3);
    }
  });

  it("prunes the track by its retention while keeping what is younger", () => {
    const last = run.samples[run.samples.length - 1];
    expect(last?.pruned).toBeGreaterThan(0);
    // Never more than a day of 10 Hz points, plus the hour between two retention passes.
    expect(last?.trackRows).toBeLessThanOrEqual(25 * 36_000);
  });

  it("delivers the shift to dispatch: positions, every mission closed, every event acknowledged", () => {
    const last = run.samples[run.samples.length - 1];
    expect(last?.dispatchPositions).toBeGreaterThan(hours * 60);
    expect(dispatchMissions.length).toBe(run.visits.length);
    expect(dispatchMissions.filter((m) => m.state !== "closed")).toEqual([]);
    expect(unacked).toBe(0);
    expect(seqGaps).toBe(0);
    // Patient data is purged purgeAfterHours (here half the shift) after each closed mission.
    if (hours >= 4) expect(purgedOnCar).toBeGreaterThan(0);
    expect(rig.doctor.refusals).toEqual({});
  });
});
