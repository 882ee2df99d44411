/**
 * Plays the soak's shift on a started rig: the doctor signs in, the receiver feeds 10 Hz NMEA paced
 * by the core's accelerated clock, dispatch and the doctor play the planned visits at their
 * simulated times, and the core is sampled from outside every few simulated minutes.
 */
import Database from "better-sqlite3";
import { SoakFeeder } from "../../support/soak-feeder.ts";
import {
  activeResources,
  cpuSeconds,
  fileBytes,
  openFds,
  readHealth,
  rssBytes,
  trackCounts,
} from "../../support/soak-sampler.ts";
import { motionAt, planSteps, planVisits, type Step, type Visit } from "./shift-plan.ts";
import { type SoakRig, soakDoctor } from "./soak-rig.ts";

const hourMs = 3_600_000;
const vehicle = "BDX-07";

export interface SoakSample {
  /** Simulated hours since the shift started. */
  hour: number;
  /** Real seconds since the shift started. */
  realS: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  fds: number;
  handles: number;
  resources: Record<string, number>;
  dbBytes: number;
  walBytes: number;
  trackRows: number;
  unsent: number;
  pruned: number;
  /** Age of the oldest point kept, simulated hours. */
  oldestAgeH: number | null;
  cycles: number;
  lagCycles: number;
  dispatchPositions: number;
  cpuS: number;
}

export interface ShiftRun {
  visits: Visit[];
  samples: SoakSample[];
  feeder: SoakFeeder;
  realS: number;
  missionIds: string[];
  clockErrorMaxMs: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function signInDoctor(rig: SoakRig): Promise<void> {
  const { doctor } = rig;
  const signedIn = await doctor.run({ type: "shift.signIn", rpps: soakDoctor.rpps, pin: soakDoctor.pin });
  if (!signedIn.ok) throw new Error(`sign-in refused: ${JSON.stringify(signedIn.error)}`);
  const checklist = (await doctor.state()).shift?.checklist;
  if (checklist?.state === "pending")
    await doctor.run({
      type: "shift.checklist",
      results: checklist.items.map((item) => ({ checkId: item.id, result: "pass" as const })),
    });
  await doctor.run({ type: "status.set", key: "available" });
}

export async function playShift(rig: SoakRig, hours: number, sampleEveryMs: number): Promise<ShiftRun> {
  const durationMs = hours * hourMs;
  const visits = planVisits(durationMs);
  const steps = planSteps(visits);
  const shiftStart = Math.ceil(rig.clock.now() / 1000) * 1000 + 2000;
  const feeder = new SoakFeeder({
    device: rig.gnss.b,
    start: shiftStart,
    cycles: durationMs / 100,
    now: () => rig.clock.now(),
    motion: (simMs) => motionAt(visits, simMs),
  });
  const missionIds = new Map<number, string>();
  const samples: SoakSample[] = [];
  const realStart = performance.now();
  let clockErrorMaxMs = 0;

  const sample = async (): Promise<SoakSample> => {
    const pid = rig.carPid;
    if (pid === null) throw new Error(`the core is not running:\n${rig.car.output.slice(-4000)}`);
    const fds = openFds(pid) ?? Number.NaN;
    const rss = rssBytes(pid) ?? Number.NaN;
    const reading = await readHealth(rig.handoff);
    const error = rig.clock.errorOf(reading.health.now, reading.sentAt, reading.receivedAt);
    clockErrorMaxMs = Math.max(clockErrorMaxMs, Math.abs(error));
    const track = trackCounts(rig.car.dbPath);
    const now = reading.health.now;
    return {
      hour: (now - shiftStart) / hourMs,
      realS: (performance.now() - realStart) / 1000,
      rss,
      heapUsed: reading.health.memory.heapUsed,
      heapTotal: reading.health.memory.heapTotal,
      external: reading.health.memory.external,
      fds,
      handles: activeResources(reading.health),
      resources: reading.health.resources,
      dbBytes: fileBytes(rig.car.dbPath),
      walBytes: fileBytes(`${rig.car.dbPath}-wal`),
      trackRows: track.rows,
      unsent: track.unsent,
      pruned: track.maxId - track.rows,
      oldestAgeH: track.oldestMs === null ? null : (now - track.oldestMs) / hourMs,
      cycles: feeder.cyclesWritten,
      lagCycles: feeder.lagCycles().now,
      dispatchPositions: rig.dispatch.db
        .prepare("SELECT count(*) FROM positions WHERE vehicle = ?")
        .pluck()
        .get(vehicle) as number,
      cpuS: cpuSeconds(pid) ?? Number.NaN,
    };
  };

  const missionOf = (step: Step): string => {
    const id = missionIds.get(step.visit);
    if (id === undefined) throw new Error(`visit ${step.visit} has no mission`);
    return id;
  };

  const runStep = async (step: Step): Promise<void> => {
    const { doctor, operator } = rig;
    switch (step.kind) {
      case "assign": {
        const row = await operator.assign({
          priority: step.visit % 4 === 0 ? "P1" : "P2",
          reason: "Fièvre et douleurs abdominales",
          address: {
            text: `${10 + step.visit} cours de l'Argonne, 33000 Bordeaux`,
            lat: 44.8268,
            lon: -0.5713,
          },
          patient: { name: `Patient Soak ${step.visit}`, age: 40 + step.visit, sex: "F" },
          callback: "0600000000",
          vehicle,
        });
        missionIds.set(step.visit, row.missionId);
        return;
      }
      case "accept": {
        const missionId = missionOf(step);
        await waitUntilAsync(async () => {
          const { missions } = await doctor.state();
          return [...missions.pending, ...(missions.active ? [missions.active] : [])].some(
            (m) => m.id === missionId,
          );
        }, `mission ${missionId} on the car's screen`);
        await doctor.run({ type: "mission.displayed", missionId });
        await doctor.run({ type: "mission.accept", missionId });
        await doctor.run({ type: "status.set", key: "en_route" });
        return;
      }
      case "status":
        await doctor.run({ type: "status.set", key: step.key });
        return;
      case "report":
        await doctor.run({
          type: "report.submit",
          missionId: missionOf(step),
          outcome: "treated_at_home",
          summary: "Gastro-entérite, réhydratation, conseils donnés",
          acts: ["examen clinique"],
          consumables: [{ item: "abaisse-langue", qty: 1 }],
        });
        return;
      case "doctor-message":
        await doctor.run({ type: "message.send", text: "Sur place, tout va bien" });
        return;
      case "dispatch-message":
        await operator.message(vehicle, "Un autre appel vous attend après cette visite");
        await doctor.run({ type: "messages.read" });
        return;
    }
  };

  const running = feeder.start();
  let nextStep = 0;
  let nextSampleAt = 0;
  for (;;) {
    const sim = rig.clock.now() - shiftStart;
    const step = steps[nextStep];
    if (step !== undefined && step.at <= sim) {
      await runStep(step);
      nextStep++;
    } else if (sim >= nextSampleAt && !feeder.done) {
      samples.push(await sample());
      nextSampleAt += sampleEveryMs;
    } else if (feeder.done && step === undefined) {
      break;
    } else {
      if (rig.carPid === null) throw new Error(`the core died:\n${rig.car.output.slice(-4000)}`);
      await sleep(20);
    }
  }
  await running;
  samples.push(await sample());
  return {
    visits,
    samples,
    feeder,
    realS: (performance.now() - realStart) / 1000,
    missionIds: [...missionIds.values()],
    clockErrorMaxMs,
  };
}

async function waitUntilAsync(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

/** Deliveries of the car's outbox not yet acknowledged by dispatch (read-only, from outside). */
export function unacknowledged(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT count(*) FROM deliveries WHERE state != 'received'").pluck().get() as number;
  } finally {
    db.close();
  }
}

/** Missions whose patient identifiers the core has purged (read after the core stopped). */
export function purgedMissions(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT count(*) FROM missions WHERE purged_at IS NOT NULL").pluck().get() as number;
  } finally {
    db.close();
  }
}

export async function waitForAcknowledgements(rig: SoakRig, timeoutMs = 60_000): Promise<number> {
  // A leftover is reported by the caller with its count, not thrown here.
  await waitUntilAsync(
    async () => unacknowledged(rig.car.dbPath) === 0,
    "every delivery acknowledged",
    timeoutMs,
  ).catch(() => {});
  return unacknowledged(rig.car.dbPath);
}
