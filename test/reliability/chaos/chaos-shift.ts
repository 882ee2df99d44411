/**
 * The people of the scripted shift, acting through the same doors as in real life:
 *  - the doctor, on the core's loopback kiosk API (kiosk.json → Bearer token → /api/state and
 *    /api/command), as the touchscreen does. Each step says when it is done, read from the state, so
 *    that a step is retried after a power cut, a refusal or a lost answer, and never done twice
 *    (a double tap on a status is refused; a message is only sent again if it is not in the list);
 *  - the regulator, on dispatch's HTTP API: missions, messages to the car, the alarm's ack.
 */
import type { UiCommand, UiMission, UiState } from "../../../src/contracts/ui-api.ts";
import { missionStates } from "../../../src/domain/missions/mission-lifecycle.ts";
import type { ChaosRig } from "./chaos-rig.ts";
import { doctor, operator } from "./chaos-rig.ts";
import type { CoreScreen } from "./chaos-screen.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The lifecycle's order (a declined or cancelled mission never reaches the steps the doctor waits for). */
const missionOrder: readonly string[] = missionStates;

export function missionIn(state: UiState, missionId: string): UiMission | null {
  const { active, pending, closing, ended } = state.missions;
  return [active, ...pending, ...closing, ...ended].find((m) => m?.id === missionId) ?? null;
}

function reached(state: UiState, missionId: string, target: string): boolean {
  const mission = missionIn(state, missionId);
  return mission !== null && missionOrder.indexOf(mission.state) >= missionOrder.indexOf(target);
}

export interface Step {
  name: string;
  done(state: UiState): boolean;
  /** The command that moves towards `done`; null: wait (something else has to happen first). */
  command(state: UiState): UiCommand | null;
}

export interface DoctorStats {
  steps: number;
  commands: number;
  /** Refusals and failures by code ("screen_locked", "http_500", "unreachable"...). */
  refusals: Record<string, number>;
  unlocks: number;
}

/** The doctor: performs steps through the screen, whatever happens to the core meanwhile. */
export class Doctor {
  readonly stats: DoctorStats = { steps: 0, commands: 0, refusals: {}, unlocks: 0 };

  constructor(
    private readonly screen: CoreScreen,
    private readonly stepTimeoutMs: number,
  ) {}

  async perform(step: Step): Promise<UiState> {
    const deadline = Date.now() + this.stepTimeoutMs;
    let last: UiState | null = null;
    for (;;) {
      if (Date.now() > deadline)
        throw new Error(
          `the doctor could not ${step.name} in ${this.stepTimeoutMs / 1000} s; last state: ${JSON.stringify(
            last && { status: last.status, shift: last.shift?.locked, missions: last.missions },
          )}`,
        );
      const state = await this.screen.state();
      if (!state) {
        await sleep(500);
        continue;
      }
      last = state;
      if (state.shift?.locked) {
        // A restart locks the screen while a shift is open (issue 10): the doctor types the PIN.
        this.stats.unlocks++;
        await this.send({ type: "shift.unlock", pin: doctor.pin });
        continue;
      }
      if (step.done(state)) {
        this.stats.steps++;
        return state;
      }
      const command = step.command(state);
      if (command === null) {
        await sleep(300);
        continue;
      }
      const outcome = await this.send(command);
      if (!outcome?.ok) await sleep(700);
    }
  }

  private async send(command: UiCommand): Promise<{ ok: boolean; code: string } | null> {
    this.stats.commands++;
    const outcome = await this.screen.command(command);
    const code = outcome === null ? "unreachable" : outcome.ok ? null : outcome.code;
    if (code !== null) this.stats.refusals[code] = (this.stats.refusals[code] ?? 0) + 1;
    return outcome;
  }

  // ── The steps of a shift ──────────────────────────────────────────────────────────────────────

  signIn(): Step {
    return {
      name: "sign in",
      done: (s) => s.shift?.doctor?.rpps === doctor.rpps,
      command: () => ({ type: "shift.signIn", rpps: doctor.rpps, pin: doctor.pin }),
    };
  }

  checklist(): Step {
    return {
      name: "answer the shift-start checklist",
      done: (s) => s.shift?.checklist?.state !== "pending",
      command: (s) => ({
        type: "shift.checklist",
        results: (s.shift?.checklist?.items ?? []).map((item) => ({ checkId: item.id, result: "pass" })),
      }),
    };
  }

  status(key: "available" | "en_route" | "on_scene" | "with_patient" | "visit_done"): Step {
    return {
      name: `set the status ${key}`,
      done: (s) => s.status?.key === key,
      command: () => ({ type: "status.set", key }),
    };
  }

  missionStep(missionId: string, target: "displayed" | "accepted"): Step {
    return {
      name: `mark mission ${missionId} ${target}`,
      done: (s) => reached(s, missionId, target),
      // The mission must have arrived first (dispatch → broker → car).
      command: (s) =>
        missionIn(s, missionId) === null
          ? null
          : { type: target === "displayed" ? "mission.displayed" : "mission.accept", missionId },
    };
  }

  report(missionId: string): Step {
    return {
      name: `send the report of ${missionId}`,
      done: (s) => missionIn(s, missionId)?.report != null,
      command: () => ({
        type: "report.submit",
        missionId,
        outcome: "treated_at_home",
        summary: "Angine, traitement symptomatique (chaos suite)",
        consumables: [{ item: "Abaisse-langue", qty: 1 }],
      }),
    };
  }

  message(text: string): Step {
    return {
      name: `send the message "${text}"`,
      done: (s) => s.messages.items.some((m) => m.direction === "out" && m.text === text),
      command: () => ({ type: "message.send", text }),
    };
  }

  panic(): Step {
    return {
      name: "press panic",
      done: (s) => (s.alarms?.alarms ?? []).some((a) => a.kind === "panic"),
      command: () => ({ type: "alarm.panic" }),
    };
  }

  /** Waits for dispatch's ack of the panic (the regulator's doing), then cancels it: "I am safe". */
  cancelPanic(): Step {
    const panic = (s: UiState) => (s.alarms?.alarms ?? []).find((a) => a.kind === "panic");
    return {
      name: "cancel the acknowledged panic",
      done: (s) => panic(s) === undefined,
      command: (s) => {
        const alarm = panic(s);
        return alarm && alarm.phase === "acknowledged"
          ? { type: "alarm.cancel", alarmId: alarm.alarmId }
          : null;
      },
    };
  }

  signOut(): Step {
    return {
      name: "sign out",
      done: (s) => s.shift?.doctor === null,
      command: () => ({ type: "shift.signOut" }),
    };
  }
}

/** The regulator at dispatch, on its HTTP API (dispatch runs in this process and never breaks). */
export class Regulator {
  private cookie = "";
  readonly missions: string[] = [];
  readonly messages: string[] = [];
  readonly alarmAcks: string[] = [];

  constructor(private readonly rig: ChaosRig) {}

  async login(): Promise<void> {
    const response = await fetch(`${this.rig.dispatch.url}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: operator.username, password: operator.password }),
    });
    if (response.status !== 200) throw new Error(`dispatch login: HTTP ${response.status}`);
    this.cookie = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    const response = await fetch(`${this.rig.dispatch.url}${path}`, {
      method: "POST",
      headers: { cookie: this.cookie, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const json: unknown = await response.json();
    if (response.status !== 200)
      throw new Error(`dispatch ${path}: HTTP ${response.status} ${JSON.stringify(json)}`);
    return json;
  }

  async assignMission(n: number): Promise<string> {
    const row = (await this.post("/api/missions", {
      priority: "P1",
      reason: `Fièvre et douleur de gorge (chaos ${n})`,
      address: { text: `${n} rue Sainte-Catherine, 33000 Bordeaux`, lat: 44.8378, lon: -0.5736 },
      vehicle: "BDX-07",
    })) as { missionId: string };
    this.missions.push(row.missionId);
    return row.missionId;
  }

  async sendMessage(text: string): Promise<void> {
    await this.post("/api/cars/BDX-07/messages", { text });
    this.messages.push(text);
  }

  /**
   * The regulator acknowledges every alarm the car raises as soon as dispatch shows it: the panic of
   * the script, and a lone-worker alarm a clock jump may fire (its deadline is wall-clock, and a
   * forward jump makes it due: the safe side, src/services/alarm-timer.ts).
   */
  startAlarmDesk(): () => void {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      const raised = this.rig.dispatch.queries
        .alarms(true)
        .filter((a) => a.vehicle === "BDX-07" && a.state === "raised");
      void (async () => {
        for (const alarm of raised) {
          await this.post(`/api/alarms/${encodeURIComponent(alarm.alarmId)}/ack?vehicle=BDX-07`, {}).catch(
            () => {},
          );
          this.alarmAcks.push(alarm.alarmId);
        }
      })().finally(() => {
        busy = false;
      });
    }, 300);
    return () => clearInterval(timer);
  }

  /** Waits until the car's panic is at dispatch and acknowledged (by the alarm desk). */
  async panicAcknowledged(timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const panic = this.rig.dispatch.queries
        .alarms(false)
        .find((a) => a.vehicle === "BDX-07" && a.kind === "panic" && a.state !== "raised");
      if (panic) return panic.alarmId;
      if (Date.now() > deadline)
        throw new Error("the panic never reached dispatch, or was never acknowledged");
      await sleep(300);
    }
  }
}
