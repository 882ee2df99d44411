/**
 * The live board: the snapshot the service sends when the WebSocket opens, kept current by its
 * `car`, `alarm`, `message` and `mission` pushes. Reconnects on its own (apps/web-build/live-connection.ts)
 * and takes a fresh snapshot each time, so nothing missed while away stays missing.
 */
import {
  type AlarmRow,
  type CarRow,
  type DispatchPush,
  dispatchPushSchema,
  type MessageRow,
  type MissionRow,
} from "../../../../src/contracts/dispatch-api.ts";
import { type LinkState, LiveConnection } from "../../../web-build/live-connection.ts";

export type { LinkState };

export interface LiveState {
  link: LinkState;
  /** null until the first snapshot. */
  fleet: string | null;
  cars: ReadonlyMap<string, CarRow>;
  /** Alarms not cancelled: raised ones ring, acknowledged ones stay quiet on the banner. */
  alarms: ReadonlyMap<string, AlarmRow>;
  missions: ReadonlyMap<string, MissionRow>;
  /** Per car, the conversation as far as this console has loaded or received it. */
  messages: ReadonlyMap<string, readonly MessageRow[]>;
  /** server clock − this desk's clock, ms: ages are computed on the server's time. */
  clockOffsetMs: number;
  /** performance.now() when each alarm first reached this console (the e2e test reads it). */
  alarmSeenAt: ReadonlyMap<string, number>;
}

const endedMissions = new Set(["closed", "cancelled"]);

export class LiveBoard extends LiveConnection<LiveState> {
  /** Called when the socket closes: the console checks whether the session is still valid. */
  constructor(private readonly onClosed: () => void = () => {}) {
    super({
      link: "connecting",
      fleet: null,
      cars: new Map(),
      alarms: new Map(),
      missions: new Map(),
      messages: new Map(),
      clockOffsetMs: 0,
      alarmSeenAt: new Map(),
    });
  }

  /** Applies an answer the console got by HTTP (an acknowledged alarm, a created mission...) at once. */
  apply(push: DispatchPush): void {
    this.receivePush(push);
  }

  /** Replaces a car's conversation with what the service returned. */
  setMessages(vehicle: string, rows: readonly MessageRow[]): void {
    const merged = new Map<string, MessageRow>();
    for (const row of [...rows, ...(this.current().messages.get(vehicle) ?? [])]) merged.set(row.id, row);
    const messages = new Map(this.current().messages);
    messages.set(
      vehicle,
      [...merged.values()].sort((a, b) => a.at.localeCompare(b.at)),
    );
    this.update({ messages });
  }

  protected override closed(retrying: boolean): void {
    // After stop() (the operator signed out) there is no session left to check.
    if (retrying) this.onClosed();
  }

  protected receive(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return;
    }
    const parsed = dispatchPushSchema.safeParse(json);
    if (parsed.success) this.receivePush(parsed.data);
  }

  private receivePush(push: DispatchPush): void {
    const serverTime = push.type === "snapshot" ? push.snapshot.serverTime : push.serverTime;
    const clockOffsetMs = Date.parse(serverTime) - Date.now();
    switch (push.type) {
      case "snapshot": {
        const { snapshot } = push;
        const alarmSeenAt = new Map(this.current().alarmSeenAt);
        for (const alarm of snapshot.openAlarms)
          if (!alarmSeenAt.has(alarm.alarmId)) alarmSeenAt.set(alarm.alarmId, performance.now());
        this.update({
          fleet: snapshot.fleet,
          clockOffsetMs,
          cars: new Map(snapshot.cars.map((car) => [car.vehicle, car])),
          alarms: new Map(
            snapshot.openAlarms.filter((a) => a.state !== "cancelled").map((a) => [a.alarmId, a]),
          ),
          missions: new Map(
            snapshot.missions.filter((m) => !endedMissions.has(m.state)).map((m) => [m.missionId, m]),
          ),
          alarmSeenAt,
        });
        return;
      }
      case "car": {
        const cars = new Map(this.current().cars);
        cars.set(push.car.vehicle, push.car);
        this.update({ cars, clockOffsetMs });
        return;
      }
      case "alarm": {
        const alarms = new Map(this.current().alarms);
        if (push.alarm.state === "cancelled") alarms.delete(push.alarm.alarmId);
        else alarms.set(push.alarm.alarmId, push.alarm);
        let alarmSeenAt = this.current().alarmSeenAt;
        if (!alarmSeenAt.has(push.alarm.alarmId)) {
          const seen = new Map(alarmSeenAt);
          seen.set(push.alarm.alarmId, performance.now());
          alarmSeenAt = seen;
        }
        this.update({ alarms, alarmSeenAt, clockOffsetMs });
        return;
      }
      case "mission": {
        const missions = new Map(this.current().missions);
        if (endedMissions.has(push.mission.state)) missions.delete(push.mission.missionId);
        else missions.set(push.mission.missionId, push.mission);
        this.update({ missions, clockOffsetMs });
        return;
      }
      case "message": {
        this.setMessages(push.message.vehicle, [push.message]);
        this.update({ clockOffsetMs });
        return;
      }
    }
  }
}
