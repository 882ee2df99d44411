/**
 * Pushes the UI state to every connected screen (issue 6): the full state when a screen connects,
 * then again whenever it changed, at most once per `minIntervalMs` (100 ms: ≤ 10/s) however many
 * changes come. Features say "something changed"; delivery states (the broker's PUBACK, dispatch's
 * ack) have no event of their own, so while a screen is connected the state is also rebuilt every
 * `refreshMs` and sent only if it differs. Full states rather than patches: a state is a few kB on
 * loopback, and a screen that reconnects or missed a message can never keep a wrong picture.
 */
import type { WebSocket } from "ws";
import type { UiServerMessage, UiState } from "../contracts/ui-api.ts";
import type { Logger } from "../services/ports.ts";

export interface StatePusherOptions {
  snapshot: () => UiState;
  logger: Logger;
  minIntervalMs?: number;
  refreshMs?: number;
}

export class StatePusher {
  private readonly clients = new Set<WebSocket>();
  private lastKey = "";
  private lastPushAt = Number.NEGATIVE_INFINITY;
  private pushTimer: NodeJS.Timeout | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: StatePusherOptions) {}

  get size(): number {
    return this.clients.size;
  }

  /** A screen connected: it gets the state at once. */
  add(client: WebSocket): void {
    this.clients.add(client);
    client.on("close", () => {
      this.clients.delete(client);
      if (this.clients.size === 0) this.stop();
    });
    const state = this.snapshot();
    if (state !== null) client.send(JSON.stringify({ kind: "state", state } satisfies UiServerMessage));
    if (this.refreshTimer === null) {
      this.refreshTimer = setInterval(() => this.request(), this.options.refreshMs ?? 250);
      this.refreshTimer.unref();
    }
  }

  /** Something changed: push now, or as soon as the rate limit allows. */
  request(): void {
    if (this.clients.size === 0 || this.pushTimer !== null) return;
    const wait = Math.max(0, this.lastPushAt + (this.options.minIntervalMs ?? 100) - performance.now());
    this.pushTimer = setTimeout(() => {
      this.pushTimer = null;
      this.push();
    }, wait);
  }

  /** The state, or null (logged) if a feature failed to give its part. */
  snapshot(): UiState | null {
    try {
      return this.options.snapshot();
    } catch (error) {
      this.options.logger.error({ err: error }, "could not build the kiosk state");
      return null;
    }
  }

  closeAll(): void {
    for (const client of this.clients) client.close(1001, "core stopping");
    for (const client of this.clients) client.terminate();
    this.clients.clear();
    this.stop();
  }

  private push(): void {
    if (this.clients.size === 0) return;
    const state = this.snapshot();
    if (state === null) return;
    // Two states that differ only in their timestamp are the same picture.
    const key = JSON.stringify({ ...state, at: 0 });
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.lastPushAt = performance.now();
    const text = JSON.stringify({ kind: "state", state } satisfies UiServerMessage);
    for (const client of this.clients) client.send(text);
  }

  private stop(): void {
    if (this.pushTimer !== null) clearTimeout(this.pushTimer);
    if (this.refreshTimer !== null) clearInterval(this.refreshTimer);
    this.pushTimer = null;
    this.refreshTimer = null;
    this.lastKey = "";
  }
}
