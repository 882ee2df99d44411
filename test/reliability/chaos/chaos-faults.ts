/**
 * The faults of the chaos suite: a seeded schedule, and what each fault does to the real parts.
 *
 * | kind             | what happens                                                    | healed by            |
 * |------------------|-----------------------------------------------------------------|----------------------|
 * | broker-kill      | kill -9 of mosquitto (its persistence is saved every second)    | start on the same port |
 * | network-cut      | SIGSTOP of mosquitto: every TCP peer hangs, nothing is refused  | SIGCONT              |
 * | gnss-unplug      | socat of the GNSS pty pair killed: the ptys and links vanish    | socat started again  |
 * | equipment-reboot | the controller emulator stops and closes its end                | a new emulator (uptime 0) |
 * | core-kill        | kill -9 of the core (a power cut)                                | restarted, as systemd would |
 * | disk-full        | the core's data tmpfs filled to the last byte                   | the filler deleted   |
 * | clock-jump       | the core's wall clock jumps forward, then backward below the    | offset 0 (corrected) |
 * |                  | true time (libfaketime), each for a few seconds                  |                      |
 *
 * Faults that use the same part (broker-kill and network-cut: the broker) never overlap each
 * other; all others may overlap at random, which is the point.
 */
import { seededRandom } from "../../../apps/sim/drive/drive-generator.ts";
import type { ChaosRig } from "./chaos-rig.ts";

export const faultKinds = [
  "broker-kill",
  "network-cut",
  "gnss-unplug",
  "equipment-reboot",
  "core-kill",
  "disk-full",
  "clock-jump",
] as const;
export type FaultKind = (typeof faultKinds)[number];

const resourceOf: Record<FaultKind, string> = {
  "broker-kill": "broker",
  "network-cut": "broker",
  "gnss-unplug": "gnss",
  "equipment-reboot": "equipment",
  "core-kill": "core",
  "disk-full": "disk",
  "clock-jump": "clock",
};

/** Seconds a fault lasts: [min, max] for the fast and the long variant. */
const durations: Record<FaultKind, { fast: [number, number]; long: [number, number] }> = {
  "broker-kill": { fast: [2, 6], long: [2, 30] },
  "network-cut": { fast: [4, 12], long: [3, 60] },
  "gnss-unplug": { fast: [3, 10], long: [3, 60] },
  "equipment-reboot": { fast: [2, 8], long: [2, 30] },
  "core-kill": { fast: [1, 4], long: [1, 20] },
  "disk-full": { fast: [5, 15], long: [5, 90] },
  "clock-jump": { fast: [6, 14], long: [6, 60] },
};

export interface PlannedFault {
  kind: FaultKind;
  /** Seconds after the shift's start. */
  atS: number;
  durationS: number;
  /** clock-jump only: the forward jump, then the backward one (seconds from the true time). */
  forwardS?: number;
  backwardS?: number;
}

export interface FaultRecord extends PlannedFault {
  /** Test wall clock, epoch ms; null when skipped. */
  startedAt: number | null;
  endedAt: number | null;
  skipped?: string;
  error?: string;
  details: Record<string, unknown>;
}

export interface ScheduleOptions {
  seed: number;
  shiftS: number;
  long: boolean;
}

/**
 * Fast: each kind once. Long: each kind every ~2.5 minutes on average (exponential gaps). Start
 * times are uniform over the shift, leaving its first 5 s and last 8 s quiet.
 */
export function planFaults({ seed, shiftS, long }: ScheduleOptions): PlannedFault[] {
  const random = seededRandom(seed);
  const between = (lo: number, hi: number) => lo + (hi - lo) * random();
  const planned: PlannedFault[] = [];
  for (const kind of faultKinds) {
    const [lo, hi] = durations[kind][long ? "long" : "fast"];
    const starts: number[] = [];
    if (!long) starts.push(between(5, Math.max(6, shiftS - hi - 8)));
    else
      for (let t = between(5, 150); t < shiftS - hi - 8; t += -150 * Math.log(1 - random())) starts.push(t);
    for (const atS of starts) {
      const fault: PlannedFault = { kind, atS, durationS: between(lo, hi) };
      if (kind === "clock-jump") {
        fault.forwardS = Math.round(between(600, 3 * 3600));
        fault.backwardS = -Math.round(between(60, 1800));
      }
      planned.push(fault);
    }
  }
  return separate(planned, shiftS);
}

/** Pushes a fault after the previous one on the same part (plus 2 s), dropping what no longer fits. */
function separate(planned: PlannedFault[], shiftS: number): PlannedFault[] {
  const freeAt = new Map<string, number>();
  const kept: PlannedFault[] = [];
  for (const fault of [...planned].sort((a, b) => a.atS - b.atS)) {
    const resource = resourceOf[fault.kind];
    const atS = Math.max(fault.atS, freeAt.get(resource) ?? 0);
    if (atS + fault.durationS > shiftS - 3) continue;
    kept.push({ ...fault, atS });
    freeAt.set(resource, atS + fault.durationS + 2);
  }
  return kept;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs every planned fault at its time; resolves once all are healed. Never throws. */
export async function runFaults(
  rig: ChaosRig,
  plan: readonly PlannedFault[],
  shiftStart: number,
  log: (line: string) => void,
): Promise<FaultRecord[]> {
  return Promise.all(
    plan.map(async (fault): Promise<FaultRecord> => {
      const record: FaultRecord = { ...fault, startedAt: null, endedAt: null, details: {} };
      await sleep(Math.max(0, shiftStart + fault.atS * 1000 - Date.now()));
      const skip = skipReason(rig, fault.kind);
      if (skip) {
        record.skipped = skip;
        log(`fault ${fault.kind} SKIPPED: ${skip}`);
        return record;
      }
      record.startedAt = Date.now();
      log(
        `fault ${fault.kind} for ${fault.durationS.toFixed(1)} s at t=${((record.startedAt - shiftStart) / 1000).toFixed(1)} s`,
      );
      try {
        await inject(rig, fault, record);
      } catch (error) {
        record.error = error instanceof Error ? error.message : String(error);
        log(`fault ${fault.kind} FAILED: ${record.error}`);
      }
      record.endedAt = Date.now();
      return record;
    }),
  );
}

function skipReason(rig: ChaosRig, kind: FaultKind): string | null {
  if (kind === "disk-full" && !rig.tmpfs.ok) return rig.tmpfs.reason ?? "no tmpfs";
  if (kind === "clock-jump" && !rig.faketime.ok) return rig.faketime.reason ?? "no libfaketime";
  return null;
}

async function inject(rig: ChaosRig, fault: PlannedFault, record: FaultRecord): Promise<void> {
  const holdMs = fault.durationS * 1000;
  switch (fault.kind) {
    case "broker-kill":
      await rig.broker.stop("SIGKILL");
      await sleep(holdMs);
      await rig.broker.startProcess();
      return;
    case "network-cut":
      rig.broker.pause();
      await sleep(holdMs);
      rig.broker.resume();
      return;
    case "gnss-unplug":
      await rig.gnss.unplug();
      await sleep(holdMs);
      await rig.gnss.replug();
      return;
    case "equipment-reboot":
      await rig.stopController();
      await sleep(holdMs);
      rig.startController();
      return;
    case "core-kill": {
      const diskFull = rig.tmpfs.ok && rig.freeBytes() < 64 * 1024;
      record.details.diskFullAtKill = diskFull;
      await rig.killCore();
      await sleep(holdMs);
      rig.startCore();
      return;
    }
    case "disk-full":
      record.details.freeBytesWhenFull = rig.fillDisk();
      await sleep(holdMs);
      rig.freeDisk();
      return;
    case "clock-jump": {
      const forwardS = fault.forwardS ?? 3600;
      const backwardS = fault.backwardS ?? -600;
      rig.setClockOffset(forwardS);
      await sleep(holdMs / 2);
      rig.setClockOffset(backwardS);
      record.details.backwardAt = Date.now();
      await sleep(holdMs / 2);
      rig.setClockOffset(0);
      return;
    }
  }
}
