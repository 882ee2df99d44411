/**
 * The link both web UIs keep to their server: one WebSocket on /api/ws that reconnects on its own,
 * quickly at first (a restarted core or dispatch service is back in about two seconds), then every
 * 5 s at most, and a state that the screen follows. What the frames mean, and what else goes into
 * the state, is each UI's business (the subclass).
 */
import { useEffect, useState } from "preact/hooks";

export type LinkState = "connecting" | "open" | "closed";

const firstRetryMs = 250;
const longestRetryMs = 5000;

export abstract class LiveConnection<State extends { link: LinkState }> {
  private socket: WebSocket | null = null;
  private state: State;
  private readonly listeners = new Set<(state: State) => void>();
  private retryMs = firstRetryMs;
  private stopped = false;

  /** `protocols`: the WebSocket subprotocols offered at each connect. */
  protected constructor(
    initial: State,
    private readonly protocols: readonly string[] = [],
  ) {
    this.state = initial;
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    this.socket?.close();
  }

  current(): State {
    return this.state;
  }

  subscribe(listener: (state: State) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One text frame from the server. */
  protected abstract receive(text: string): void;

  /**
   * The socket closed, just before the state says so; `retrying` is false after `stop()`, when no
   * other attempt follows.
   */
  protected closed(_retrying: boolean): void {}

  /** The socket while it is open, else null: a caller that cannot wait takes another way. */
  protected openSocket(): WebSocket | null {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN ? this.socket : null;
  }

  protected update(change: Partial<State>): void {
    this.replace({ ...this.state, ...change });
  }

  private replace(state: State): void {
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }

  private setLink(link: LinkState): void {
    this.replace({ ...this.state, link });
  }

  private open(): void {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}/api/ws`, [...this.protocols]);
    this.socket = socket;
    this.setLink("connecting");
    socket.onopen = () => {
      this.retryMs = firstRetryMs;
      this.setLink("open");
    };
    socket.onmessage = (event: MessageEvent<string>) => this.receive(event.data);
    socket.onclose = () => {
      this.socket = null;
      this.closed(!this.stopped);
      this.setLink("closed");
      if (this.stopped) return;
      setTimeout(() => {
        if (!this.stopped) this.open();
      }, this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, longestRetryMs);
    };
  }
}

/** The connection's state as a Preact state: the component renders again at each change. */
export function useLiveState<State extends { link: LinkState }>(connection: LiveConnection<State>): State {
  const [state, setState] = useState(connection.current());
  useEffect(() => connection.subscribe(setState), [connection]);
  return state;
}
