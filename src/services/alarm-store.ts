/**
 * Persistence of the alarms, as the alarm service sees it (implemented in
 * src/store/alarm-repository.ts). Everything the timers need is stored as absolute wall-clock
 * deadlines, so that after a kill -9 or a power cut the service re-arms them from the stored values,
 * and a deadline that passed while the car was off fires at once.
 */
import type { Alarm } from "../domain/alarms/alarm.ts";
import type { LoneWorkerState } from "../domain/alarms/lone-worker.ts";

/** Which `alarm` event an envelope id carried. */
export type AlarmEventRole = "raised" | "repeat" | "cancelled";

export interface AlarmEventRecord {
  /** The envelope id (what dispatch's `ack.ref` names). */
  eventId: string;
  role: AlarmEventRole;
  at: number;
}

export interface AlarmStore {
  /** Alarms not cancelled yet (raised or acknowledged), oldest first. */
  openAlarms(): Alarm[];
  get(alarmId: string): Alarm | null;
  /** Inserts or updates. Call inside the unit of work that enqueues its events. */
  save(alarm: Alarm): void;
  recordEvent(alarmId: string, event: AlarmEventRecord): void;
  /** The alarm's events, oldest first. */
  events(alarmId: string): AlarmEventRecord[];
  loneWorker(): LoneWorkerState;
  saveLoneWorker(state: LoneWorkerState): void;
}
