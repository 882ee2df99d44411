/**
 * The core's screen as the chaos suite reads it: the kiosk API found through kiosk.json (only the
 * current process's), and a monitor that polls the state twice a second and keeps what the suite
 * needs afterwards: when the car saw its dispatch link up, and how far its wall clock was from the
 * true one (a clock jump shows there).
 */
import { type UiCommand, type UiState, uiStateSchema } from "../../../src/contracts/ui-api.ts";
import { rawRequest } from "../../support/kiosk-http.ts";
import type { ChaosRig } from "./chaos-rig.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reading the screen: null whenever the core is dead, starting, or did not answer. */
export class CoreScreen {
  constructor(private readonly rig: ChaosRig) {}

  private target(): { port: number; token: string } | null {
    const handoff = this.rig.handoff();
    if (!handoff) return null;
    return { port: Number(new URL(handoff.url).port), token: handoff.token };
  }

  async state(): Promise<UiState | null> {
    const target = this.target();
    if (!target) return null;
    try {
      const response = await rawRequest({
        port: target.port,
        path: "/api/state",
        headers: { authorization: `Bearer ${target.token}` },
      });
      return response.status === 200 ? uiStateSchema.parse(JSON.parse(response.body)) : null;
    } catch {
      return null;
    }
  }

  /** The outcome, or the HTTP failure; null when the core could not be reached (the answer is unknown). */
  async command(command: UiCommand): Promise<{ ok: boolean; code: string } | null> {
    const target = this.target();
    if (!target) return null;
    try {
      const response = await rawRequest({
        port: target.port,
        path: "/api/command",
        method: "POST",
        headers: { authorization: `Bearer ${target.token}`, "content-type": "application/json" },
        body: JSON.stringify(command),
      });
      if (response.status !== 200) return { ok: false, code: `http_${response.status}` };
      const outcome = JSON.parse(response.body) as { ok: boolean; error?: { code: string } };
      return { ok: outcome.ok, code: outcome.ok ? "ok" : (outcome.error?.code ?? "?") };
    } catch {
      return null;
    }
  }
}

export interface ScreenSample {
  /** Test wall clock, epoch ms. */
  t: number;
  link: UiState["dispatch"]["state"];
  gnss: UiState["gnss"]["state"];
  /** The core's wall clock minus the true one, ms (a clock jump shows here). */
  clockOffsetMs: number;
}

export class ScreenMonitor {
  readonly samples: ScreenSample[] = [];
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(private readonly screen: CoreScreen) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const asked = Date.now();
        const state = await this.screen.state();
        if (state)
          this.samples.push({
            t: asked,
            link: state.dispatch.state,
            gnss: state.gnss.state,
            clockOffsetMs: state.at - (asked + Date.now()) / 2,
          });
        await sleep(500);
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
