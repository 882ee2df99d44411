/**
 * The people of the soak's shift (issue 9), each through the interface they really use:
 *   - the doctor on the car's loopback UI API (src/contracts/ui-api.ts), with the per-boot token of
 *     kiosk.json, unlocking the screen with the PIN when it locked itself while parked;
 *   - the dispatch operator on the dispatch HTTP API (src/contracts/dispatch-api.ts), logged in.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { kioskHandoffFile } from "../../src/app/kiosk-server-feature.ts";
import { type MissionCreate, type MissionRow, missionRowSchema } from "../../src/contracts/dispatch-api.ts";
import {
  type UiCommand,
  type UiOutcome,
  type UiState,
  uiApiPaths,
  uiOutcomeSchema,
  uiStateSchema,
} from "../../src/contracts/ui-api.ts";
import { type CoreHandoff, coreRequest } from "./soak-sampler.ts";

/** kiosk.json once the core listens, or null before. */
export function readHandoff(dataDir: string): CoreHandoff | null {
  try {
    const body = JSON.parse(readFileSync(join(dataDir, kioskHandoffFile), "utf8")) as Partial<CoreHandoff>;
    return typeof body.url === "string" && typeof body.token === "string"
      ? { url: body.url, token: body.token }
      : null;
  } catch {
    return null;
  }
}

export class SoakDoctor {
  /** Commands refused, by error code (a refusal is counted, not thrown: the shift goes on). */
  readonly refusals: Record<string, number> = {};
  commands = 0;
  unlocks = 0;

  constructor(
    private readonly core: CoreHandoff,
    private readonly pin: string,
  ) {}

  async state(): Promise<UiState> {
    const { json } = await coreRequest(this.core, uiApiPaths.state);
    return uiStateSchema.parse(json);
  }

  /** Runs a command; a screen that locked itself while parked is unlocked with the PIN first. */
  async run(command: UiCommand): Promise<UiOutcome> {
    let outcome = await this.post(command);
    if (!outcome.ok && outcome.error.code === "screen_locked") {
      this.unlocks++;
      const unlocked = await this.post({ type: "shift.unlock", pin: this.pin });
      if (!unlocked.ok) this.count(`unlock:${unlocked.error.code}`);
      outcome = await this.post(command);
    }
    this.commands++;
    if (!outcome.ok) this.count(`${command.type}:${outcome.error.code}`);
    return outcome;
  }

  private count(key: string): void {
    this.refusals[key] = (this.refusals[key] ?? 0) + 1;
  }

  private async post(command: UiCommand): Promise<UiOutcome> {
    const { json } = await coreRequest(this.core, uiApiPaths.command, command);
    return uiOutcomeSchema.parse(json);
  }
}

export class SoakOperator {
  private cookie = "";
  logins = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly username: string,
    private readonly password: string,
  ) {}

  /** Creates the mission and assigns it to the car at once, as the operator's form does. */
  async assign(mission: MissionCreate): Promise<MissionRow> {
    return missionRowSchema.parse(await this.post("/api/missions", mission));
  }

  async message(vehicle: string, text: string): Promise<void> {
    await this.post(`/api/cars/${encodeURIComponent(vehicle)}/messages`, { text });
  }

  async login(): Promise<void> {
    const response = await fetch(new URL("/api/login", this.baseUrl), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: this.username, password: this.password }),
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status !== 200) throw new Error(`dispatch login answered ${response.status}`);
    this.cookie = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    this.logins++;
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    // A session lasts 12 h of dispatch's clock: over a 24 h shift the operator logs in again.
    if (this.cookie === "") await this.login();
    let response = await this.send(path, body);
    if (response.status === 401) {
      await this.login();
      response = await this.send(path, body);
    }
    const json: unknown = await response.json();
    if (response.status !== 200)
      throw new Error(`dispatch ${path} answered ${response.status}: ${JSON.stringify(json)}`);
    return json;
  }

  private send(path: string, body: unknown): Promise<Response> {
    return fetch(new URL(path, this.baseUrl), {
      method: "POST",
      headers: { cookie: this.cookie, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  }
}
