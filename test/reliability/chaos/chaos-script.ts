/**
 * The scripted shift: the doctor signs in and answers the shift-start checklist, goes available,
 * then does missions assigned by the regulator one after the other (displayed, accepted, en route,
 * on scene, a message each way, with the patient, visit done, report, available again), presses
 * panic once (the regulator acknowledges it, the doctor cancels it), and signs out when the shift's
 * time is over. Pauses between steps are seeded, like the faults.
 */
import { seededRandom } from "../../../apps/sim/drive/drive-generator.ts";
import type { Doctor, Regulator } from "./chaos-shift.ts";

export interface ScriptOptions {
  seed: number;
  shiftS: number;
  long: boolean;
  log: (line: string) => void;
}

export interface ScriptResult {
  missions: number;
  panics: number;
  messagesFromCar: number;
  messagesToCar: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runShiftScript(
  doctor: Doctor,
  regulator: Regulator,
  shiftStart: number,
  options: ScriptOptions,
): Promise<ScriptResult> {
  const random = seededRandom(options.seed ^ 0x5eed);
  const [pauseLo, pauseHi] = options.long ? [3, 15] : [0.5, 2];
  const pause = () => sleep((pauseLo + (pauseHi - pauseLo) * random()) * 1000);
  const elapsedS = () => (Date.now() - shiftStart) / 1000;
  // A mission takes about 12 pauses; start no new one that would run past the end of the shift.
  const missionS = 12 * (pauseLo + pauseHi) * 0.5 + 5;
  const panicAtS = options.shiftS * (0.2 + 0.5 * random());
  const result: ScriptResult = { missions: 0, panics: 0, messagesFromCar: 0, messagesToCar: 0 };

  const panic = async () => {
    options.log(`panic at t=${elapsedS().toFixed(1)} s`);
    await doctor.perform(doctor.panic());
    await regulator.panicAcknowledged(options.long ? 600_000 : 120_000);
    await pause();
    await doctor.perform(doctor.cancelPanic());
    result.panics++;
  };

  await doctor.perform(doctor.signIn());
  await doctor.perform(doctor.checklist());
  await doctor.perform(doctor.status("available"));
  do {
    const n = ++result.missions;
    const missionId = await regulator.assignMission(n);
    options.log(`mission ${n} ${missionId} at t=${elapsedS().toFixed(1)} s`);
    await doctor.perform(doctor.missionStep(missionId, "displayed"));
    await pause();
    await doctor.perform(doctor.missionStep(missionId, "accepted"));
    await pause();
    await doctor.perform(doctor.status("en_route"));
    await pause();
    await doctor.perform(doctor.status("on_scene"));
    if (result.panics === 0 && elapsedS() >= panicAtS) await panic();
    await pause();
    await doctor.perform(doctor.message(`Sur place, mission ${n}`));
    result.messagesFromCar++;
    await regulator.sendMessage(`Bien reçu, mission ${n}`);
    result.messagesToCar++;
    await doctor.perform(doctor.status("with_patient"));
    await pause();
    await doctor.perform(doctor.status("visit_done"));
    await pause();
    await doctor.perform(doctor.report(missionId));
    await doctor.perform(doctor.status("available"));
    await pause();
  } while (elapsedS() + missionS < options.shiftS);
  if (result.panics === 0) await panic();
  await sleep(Math.max(0, (options.shiftS - elapsedS()) * 1000));
  await doctor.perform(doctor.signOut());
  options.log(`signed out at t=${elapsedS().toFixed(1)} s`);
  return result;
}
