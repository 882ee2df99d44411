/**
 * Is the core there, and where? The screen opens the UI only when kiosk.json names a live core
 * process AND that core answers `GET /healthz` with 200. Both are needed: after a restart of the
 * core (systemd restarts it after 2 s), the old kiosk.json still names the old port and token until
 * the new server writes its own, and the fixed port (7380) may already answer for the new process.
 * Opening the UI with the old token would show the doctor an "unauthorised" page.
 *
 * Shared by the Electron shell and the `npm start` launcher; no "electron" import here.
 */
import { healthzUrl, type KioskHandoff, type KioskHandoffRead, readKioskHandoff } from "./kiosk-config.ts";

export type CoreState =
  | { kind: "ready"; handoff: KioskHandoff }
  /** kiosk.json does not exist yet: the core is starting (or not installed). */
  | { kind: "no-handoff"; detail: string }
  /** kiosk.json exists but is unreadable or malformed. */
  | { kind: "bad-handoff"; detail: string }
  /** kiosk.json names a process that is gone: left over from an earlier run. */
  | { kind: "stale-handoff"; detail: string }
  /** The core's process is there but `/healthz` does not answer 200. */
  | { kind: "unreachable"; detail: string };

export interface CoreProbe {
  readHandoff(): KioskHandoffRead;
  isProcessAlive(pid: number): boolean;
  /** Resolves to a reason when the core does not answer 200, or null when it does. Never rejects. */
  healthz(url: string): Promise<string | null>;
}

export async function checkCore(probe: CoreProbe): Promise<CoreState> {
  const read = probe.readHandoff();
  if (!read.ok) return { kind: read.missing ? "no-handoff" : "bad-handoff", detail: read.reason };
  const { handoff } = read;
  if (!probe.isProcessAlive(handoff.pid)) {
    return { kind: "stale-handoff", detail: `kiosk.json names process ${handoff.pid}, which is gone` };
  }
  const problem = await probe.healthz(healthzUrl(handoff));
  if (problem !== null) return { kind: "unreachable", detail: problem };
  return { kind: "ready", handoff };
}

/** Same core, same address and token: nothing to reload. */
export function sameHandoff(a: KioskHandoff, b: KioskHandoff): boolean {
  return a.url === b.url && a.token === b.token && a.pid === b.pid;
}

/**
 * Polls quickly at first (the core usually answers within a second of starting) and then more
 * gently, so that a screen waiting all night for a broken core does not load the CPU.
 */
export class PollBackoff {
  private delay: number;

  constructor(
    private readonly initialMs = 250,
    private readonly maxMs = 3_000,
    private readonly factor = 1.5,
  ) {
    this.delay = initialMs;
  }

  next(): number {
    const current = this.delay;
    this.delay = Math.min(this.maxMs, Math.round(this.delay * this.factor));
    return current;
  }

  reset(): void {
    this.delay = this.initialMs;
  }
}

export interface WaitForCoreOptions {
  probe: CoreProbe;
  /** Told of every state change (not of every poll), so the caller can update the screen or log. */
  onState?: (state: CoreState) => void;
  signal?: AbortSignal;
  backoff?: PollBackoff;
}

/** Resolves with the handoff once the core is ready, or null when `signal` aborts the wait. */
export async function waitForCore(options: WaitForCoreOptions): Promise<KioskHandoff | null> {
  const backoff = options.backoff ?? new PollBackoff();
  let lastKey = "";
  while (!options.signal?.aborted) {
    const state = await checkCore(options.probe);
    if (options.signal?.aborted) return null;
    const key = `${state.kind}:${state.kind === "ready" ? "" : state.detail}`;
    if (key !== lastKey) {
      lastKey = key;
      options.onState?.(state);
    }
    if (state.kind === "ready") return state.handoff;
    await sleep(backoff.next(), options.signal);
  }
  return null;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

export interface NodeCoreProbeOptions {
  dataDir: string;
  /** Per request; a hung core must not hold the screen on "starting" forever. */
  timeoutMs?: number;
}

/** The real probe: the file system, `kill(pid, 0)` and an HTTP GET on the loopback. */
export function nodeCoreProbe(options: NodeCoreProbeOptions): CoreProbe {
  const timeoutMs = options.timeoutMs ?? 2_000;
  return {
    readHandoff: () => readKioskHandoff(options.dataDir),
    isProcessAlive,
    async healthz(url) {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "error" });
        await response.body?.cancel();
        return response.status === 200 ? null : `${url} answered HTTP ${response.status}`;
      } catch (error) {
        const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
        return `${url} does not answer (${cause instanceof Error ? cause.message : String(cause)})`;
      }
    },
  };
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user (the core runs as `sosm`).
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
