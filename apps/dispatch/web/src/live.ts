/**
 * The live board: the snapshot the service sends when the WebSocket opens, kept current by its
 * `car`, `alarm`, `message` and `mission` pushes. Reconnects on its own (quickly at first, then every
 * 5 s at most) and takes a fresh snapshot each time, so nothing missed while away stays missing.
 */
import {
  type AlarmRow,
  type CarRow,
  type DispatchPush,
  dispatchPushSchema,
  type MessageRow,
  type MissionRow,
} from "../../../../src/contracts/dispatch-api.ts";

export type LinkState = "connecting" | "open" | "closed";

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

export class LiveBoard {
  private socket: WebSocket | null = null;
  private state: LiveState = {
    link: "connecting",
    fleet: null,
    cars: new Map(),
    alarms: new Map(),
    missions: new Map(),
    messages: new Map(),
    clockOffsetMs: 0,
    alarmSeenAt: new Map(),
  };
  private readonly listeners = new Set<(state: LiveState) => void>();
  private retryMs = 250;
  private stopped = false;

  /** Called when the socket closes: the console checks whether the session is still valid. */
  constructor(private readonly onClosed: () => void = () => {}) {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    this.socket?.close();
  }

  current(): LiveState {
    return this.state;
  }

  subscribe(listener: (state: LiveState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Applies an answer the console got by HTTP (an acknowledged alarm, a created mission...) at once. */
  apply(push: DispatchPush): void {
    this.receive(push);
  }

  /** Replaces a car's conversation with what the service returned. */
  setMessages(vehicle: string, rows: readonly MessageRow[]): void {
    const merged = new Map<string, MessageRow>();
    for (const row of [...rows, ...(this.state.messages.get(vehicle) ?? [])]) merged.set(row.id, row);
    const messages = new Map(this.state.messages);
    messages.set(
      vehicle,
      [...merged.values()].sort((a, b) => a.at.localeCompare(b.at)),
    );
    this.update({ messages });
  }

  private open(): void {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}/api/ws`);
    this.socket = socket;
    this.update({ link: "connecting" });
    socket.onopen = () => {
      this.retryMs = 250;
      this.update({ link: "open" });
    };
    socket.onmessage = (event: MessageEvent<string>) => {
      let json: unknown;
      try {
        json = JSON.parse(event.data);
      } catch {
        return;
      }
      const parsed = dispatchPushSchema.safeParse(json);
      if (parsed.success) this.receive(parsed.data);
    };
    socket.onclose = () => {
      this.socket = null;
      this.update({ link: "closed" });
      if (this.stopped) return;
      this.onClosed();
      setTimeout(() => {
        if (!this.stopped) this.open();
      }, this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 5000);
    };
  }

  private receive(push: DispatchPush): void {
    const serverTime = push.type === "snapshot" ? push.snapshot.serverTime : push.serverTime;
    const clockOffsetMs = Date.parse(serverTime) - Date.now();
    switch (push.type) {
      case "snapshot": {
        const { snapshot } = push;
        const alarmSeenAt = new Map(this.state.alarmSeenAt);
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
        const cars = new Map(this.state.cars);
        cars.set(push.car.vehicle, push.car);
        this.update({ cars, clockOffsetMs });
        return;
      }
      case "alarm": {
        const alarms = new Map(this.state.alarms);
        if (push.alarm.state === "cancelled") alarms.delete(push.alarm.alarmId);
        else alarms.set(push.alarm.alarmId, push.alarm);
        let alarmSeenAt = this.state.alarmSeenAt;
        if (!alarmSeenAt.has(push.alarm.alarmId)) {
          const seen = new Map(alarmSeenAt);
          seen.set(push.alarm.alarmId, performance.now());
          alarmSeenAt = seen;
        }
        this.update({ alarms, alarmSeenAt, clockOffsetMs });
        return;
      }
      case "mission": {
        const missions = new Map(this.state.missions);
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

  private update(change: Partial<LiveState>): void {
    this.state = { ...this.state, ...change };
    for (const listener of this.listeners) listener(this.state);
  }
}
