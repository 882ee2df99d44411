/**
 * The screen's link to the core (src/contracts/ui-api.ts): one WebSocket that receives the state and
 * carries the doctor's commands, reconnecting on its own. The token comes from the address fragment
 * (`#token=…`, never sent in a request line), is removed from the address bar at once, and kept in
 * sessionStorage so that a reload of this tab still works; it travels as the `sosm.<token>`
 * subprotocol, next to `sosm.v1` which the server selects. How it reconnects:
 * apps/web-build/live-connection.ts.
 *
 * A command never waits for a reconnect: if the socket is down, it goes by HTTP POST at once (the
 * panic button must never be slowed by a reconnect loop).
 */
import type { UiCommand, UiOutcome, UiServerMessage, UiState } from "../../../../src/contracts/ui-api.ts";
import { type LinkState, LiveConnection } from "../../../web-build/live-connection.ts";

const storageKey = "sosm.token";

/** Reads the token from `#token=…` (then clears it from the address bar) or from this tab's storage. */
export function takeToken(): string | null {
  const match = /(?:^#|&)token=([A-Za-z0-9._~-]+)/.exec(location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(storageKey, match[1]);
    history.replaceState(null, "", location.pathname + location.search);
    return match[1];
  }
  return sessionStorage.getItem(storageKey);
}

export interface ConnectionSnapshot {
  state: UiState | null;
  link: LinkState;
  /** core clock − screen clock, ms (same machine in the car, but not in development). */
  clockOffsetMs: number;
}

type Pending = { resolve: (outcome: UiOutcome) => void };

const lostText = {
  fr: "Liaison avec le terminal perdue : l'action n'est peut-être pas enregistrée.",
  en: "Link to the terminal lost: the action may not have been recorded.",
};

export class KioskConnection extends LiveConnection<ConnectionSnapshot> {
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;

  constructor(private readonly token: string) {
    super({ state: null, link: "connecting", clockOffsetMs: 0 }, ["sosm.v1", `sosm.${token}`]);
  }

  async send(command: UiCommand): Promise<UiOutcome> {
    const socket = this.openSocket();
    if (socket !== null) {
      const requestId = `r${this.nextId++}`;
      const answer = new Promise<UiOutcome>((resolve) => this.pending.set(requestId, { resolve }));
      socket.send(JSON.stringify({ requestId, command }));
      return answer;
    }
    return this.post(command);
  }

  private async post(command: UiCommand): Promise<UiOutcome> {
    try {
      const response = await fetch("/api/command", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${this.token}` },
        body: JSON.stringify(command),
      });
      return (await response.json()) as UiOutcome;
    } catch {
      return { ok: false, error: { code: "link_lost", text: lostText } };
    }
  }

  /** A command sent on the lost socket gets no answer: its caller learns that at once. */
  protected override closed(): void {
    for (const [id, pending] of this.pending) {
      pending.resolve({ ok: false, error: { code: "link_lost", text: lostText } });
      this.pending.delete(id);
    }
  }

  protected receive(text: string): void {
    let message: UiServerMessage;
    try {
      message = JSON.parse(text) as UiServerMessage;
    } catch {
      return;
    }
    if (message.kind === "state") {
      this.update({ state: message.state, clockOffsetMs: message.state.at - Date.now() });
    } else if (message.kind === "result") {
      this.pending.get(message.requestId)?.resolve(message.outcome);
      this.pending.delete(message.requestId);
    }
  }
}
