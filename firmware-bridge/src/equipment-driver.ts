/**
 * Host side of the `$PSOS` link (PROTOCOL.md B): lines in, typed records and link state out.
 *
 * - Every line is decoded; a bad one (unknown record, bad checksum, bad field, noise) is counted
 *   under `rejected.<reason>`, logged and skipped, and never stops the link (PROTOCOL.md B).
 * - Heartbeat watchdog: the link counts as lost after 5 s without an HB, measured on the monotonic
 *   clock. A port can be open while the controller is silent (powered off behind a live USB-UART
 *   adapter, rebooting), so "port open" alone never means "connected".
 * - `$PSOS,REQ,ALL` is sent whenever the port (re)connects, so the host does not wait for the
 *   periodic records after a replug; and again when heartbeats come back after a loss or the uptime
 *   goes backwards (a reboot), since the equipment may have changed meanwhile. The controller may
 *   not be listening when it is sent (both ends reconnect after an unplug, and opening a tty may
 *   flush its input), so if no equipment record has come `answerWaitMs` after it, the next
 *   heartbeat (proof that the controller now talks) triggers one retry. Not sooner: the answer
 *   itself starts with an HB.
 * - Listeners are isolated: one that throws is logged and the others still run (zigbee2mqtt).
 */
import type { PsosEquipmentRecord, PsosRecord } from "../../src/contracts/psos.ts";
import {
  type Clock,
  globalTimers,
  type Logger,
  type PsosLink,
  type PsosLinkStatus,
  systemClock,
  type Timers,
} from "./ports.ts";
import { decodePsos, type PsosRejection, reqAllSentence, splitPsosCandidates } from "./psos-codec.ts";

/** PROTOCOL.md B: "If none comes for 5 s, the link counts as lost." */
export const heartbeatTimeoutMs = 5000;
/** How long an answer to REQ,ALL may take before one retry (firmware-bridge/PROTOCOL.md: within 1 s). */
export const answerWaitMs = 1500;

/** The controller link as the doctor and the technician see it. `since` is wall-clock ms. */
export type EquipmentLink =
  | { state: "stopped"; since: number }
  /** The port is opening, or open and waiting for the first heartbeat (`portOpen`). */
  | { state: "connecting"; since: number; portOpen: boolean }
  | { state: "connected"; since: number; fwVersion: string; uptimeS: number }
  /** The port is open but no heartbeat came for `heartbeatTimeoutMs`; `silentSince` is wall-clock ms. */
  | { state: "lost"; since: number; silentSince: number }
  /** The port is gone (unplugged, missing): the serial source retries with backoff. */
  | { state: "retrying"; since: number; retryInMs: number; lastError: string };

/** One line for the UI and logs: "connected", "lost: no heartbeat for 7 s", "disconnected, retrying in 3 s". */
export function describeEquipmentLink(link: EquipmentLink, now: number): string {
  switch (link.state) {
    case "stopped":
      return "stopped";
    case "connecting":
      return link.portOpen ? "port open, waiting for heartbeat" : "connecting";
    case "connected":
      return `connected (firmware ${link.fwVersion})`;
    case "lost":
      return `lost: no heartbeat for ${Math.max(0, Math.round((now - link.silentSince) / 1000))} s`;
    case "retrying":
      return `disconnected, retrying in ${Math.ceil(link.retryInMs / 1000)} s`;
  }
}

export interface EquipmentDriverContext {
  link: PsosLink;
  logger: Logger;
  clock?: Clock;
  timers?: Timers;
  /** Default 5000 (PROTOCOL.md B). */
  heartbeatTimeoutMs?: number;
}

export type RecordListener = (record: PsosRecord, receivedAt: number) => void;
export type LinkListener = (link: EquipmentLink) => void;

export interface LatestRecord {
  record: PsosEquipmentRecord;
  receivedAt: number;
}

export class EquipmentDriver {
  private readonly link: PsosLink;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly timeoutMs: number;
  private readonly recordListeners = new Set<RecordListener>();
  private readonly linkListeners = new Set<LinkListener>();
  private readonly tally: Record<string, number> = {};
  private readonly latestByKey = new Map<string, LatestRecord>();
  private current: EquipmentLink;
  private unsubscribe: Array<() => void> = [];
  private watchdog: unknown = null;
  private lastPortStatus: PsosLinkStatus | null = null;
  private lastUptime: number | null = null;
  /** An equipment record arrived since the last REQ,ALL was sent. */
  private answeredSinceReq = true;
  /** Monotonic ms of the last REQ,ALL, and whether its one retry was used. */
  private reqSentAt: number | null = null;
  private reqRetried = false;

  constructor(ctx: EquipmentDriverContext) {
    this.link = ctx.link;
    this.logger = ctx.logger.child({ component: "equipment" });
    this.clock = ctx.clock ?? systemClock;
    this.timers = ctx.timers ?? globalTimers;
    this.timeoutMs = ctx.heartbeatTimeoutMs ?? heartbeatTimeoutMs;
    this.current = { state: "stopped", since: this.clock.now() };
  }

  start(): void {
    if (this.unsubscribe.length > 0) return;
    this.unsubscribe = [
      this.link.onLine((line, receivedAt) => this.handleLine(line, receivedAt)),
      this.link.onStatus((status) => this.handlePortStatus(status)),
    ];
    this.link.start();
    // A link started (and perhaps connected) before us has already announced its status.
    const status = this.link.status();
    if (status !== this.lastPortStatus) this.handlePortStatus(status);
  }

  async stop(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    this.disarm();
    await this.link.stop();
    this.setLink({ state: "stopped", since: this.clock.now() });
  }

  onRecord(listener: RecordListener): () => void {
    this.recordListeners.add(listener);
    return () => this.recordListeners.delete(listener);
  }

  onLink(listener: LinkListener): () => void {
    this.linkListeners.add(listener);
    return () => this.linkListeners.delete(listener);
  }

  linkState(): EquipmentLink {
    return this.current;
  }

  describeLink(now = this.clock.now()): string {
    return describeEquipmentLink(this.current, now);
  }

  /** Counters: `record.<kind>`, `rejected.<reason>`, `req.sent`, `req.failed`, `link.lost`, `controller.reboot`, `ignored.REQ`. */
  counts(): Readonly<Record<string, number>> {
    return { ...this.tally };
  }

  /** The last record of each equipment item (kind + slot), with its receive time. */
  latest(): LatestRecord[] {
    return [...this.latestByKey.values()];
  }

  /** Sends `$PSOS,REQ,ALL`; resolves false (counted, logged) when the port refuses the write. */
  async requestAll(why: string, retry = false): Promise<boolean> {
    this.answeredSinceReq = false;
    this.reqSentAt = this.clock.monotonic();
    if (!retry) this.reqRetried = false;
    try {
      await this.link.writeLine(reqAllSentence);
      this.count("req.sent");
      this.logger.debug({ why }, "sent REQ,ALL");
      return true;
    } catch (err) {
      this.count("req.failed");
      this.logger.warn({ err, why }, "could not send REQ,ALL");
      return false;
    }
  }

  private handlePortStatus(status: PsosLinkStatus): void {
    this.lastPortStatus = status;
    const now = this.clock.now();
    if (status.state === "connected") {
      if (this.current.state === "connecting" && this.current.portOpen) return;
      if (this.current.state === "connected" || this.current.state === "lost") return;
      this.lastUptime = null;
      this.setLink({ state: "connecting", since: now, portOpen: true });
      this.arm();
      void this.requestAll("port connected");
      return;
    }
    this.disarm();
    if (status.state === "retrying") {
      this.setLink({
        state: "retrying",
        since: now,
        retryInMs: status.retryInMs ?? 0,
        lastError: status.lastError ?? "port closed",
      });
    } else if (status.state === "connecting")
      this.setLink({ state: "connecting", since: now, portOpen: false });
    else this.setLink({ state: "stopped", since: now });
  }

  private handleLine(line: string, receivedAt: number): void {
    for (const candidate of splitPsosCandidates(line)) {
      const result = decodePsos(candidate);
      if (result.ok) this.handleRecord(result.record, receivedAt);
      else this.reject(result.reason, result.detail, candidate);
    }
  }

  private handleRecord(record: PsosRecord, receivedAt: number): void {
    if (record.record === "REQ") {
      // A controller never sends REQ; an echoing line (a tty with echo on) would. Not an error.
      this.count("ignored.REQ");
      return;
    }
    this.count(`record.${record.record}`);
    if (record.record === "HB") this.handleHeartbeat(record.uptime_s, record.fw_version);
    else {
      this.answeredSinceReq = true;
      const key = record.record === "VEH" ? "VEH" : `${record.record}:${record.slot}`;
      this.latestByKey.set(key, { record, receivedAt });
    }
    for (const listener of this.recordListeners) {
      try {
        listener(record, receivedAt);
      } catch (err) {
        this.logger.error({ err }, "record listener failed");
      }
    }
  }

  private handleHeartbeat(uptimeS: number, fwVersion: string): void {
    // A heartbeat on a port we no longer consider open (a late line after a close) changes nothing.
    if (this.current.state === "retrying" || this.current.state === "stopped") return;
    const previous = this.current;
    const rebooted = this.lastUptime !== null && uptimeS < this.lastUptime;
    this.lastUptime = uptimeS;
    this.arm();
    if (rebooted) {
      this.count("controller.reboot");
      this.logger.warn({ uptimeS, fwVersion }, "equipment controller rebooted");
    }
    if (previous.state === "connected") this.current = { ...previous, uptimeS, fwVersion };
    else this.setLink({ state: "connected", since: this.clock.now(), fwVersion, uptimeS });
    if (previous.state === "lost") void this.requestAll("heartbeat back");
    else if (rebooted) void this.requestAll("controller rebooted");
    else if (
      !this.answeredSinceReq &&
      !this.reqRetried &&
      this.reqSentAt !== null &&
      this.clock.monotonic() - this.reqSentAt >= answerWaitMs
    ) {
      this.reqRetried = true;
      void this.requestAll("no answer to REQ,ALL", true);
    }
  }

  private arm(): void {
    this.disarm();
    const silentSince = this.clock.now();
    this.watchdog = this.timers.setTimeout(() => {
      this.watchdog = null;
      this.count("link.lost");
      this.setLink({ state: "lost", since: this.clock.now(), silentSince });
    }, this.timeoutMs);
  }

  private disarm(): void {
    if (this.watchdog !== null) this.timers.clearTimeout(this.watchdog);
    this.watchdog = null;
  }

  private reject(reason: PsosRejection, detail: string, candidate: string): void {
    const n = this.count(`rejected.${reason}`);
    // Line noise can bring hundreds of bad lines a minute: the first few of each reason are
    // warnings, then one in a hundred, the rest at debug. The counters keep the whole truth.
    const level = n <= 5 || n % 100 === 0 ? "warn" : "debug";
    this.logger[level](
      { reason, detail, line: JSON.stringify(candidate.slice(0, 100)), n },
      "skipped a bad $PSOS line",
    );
  }

  private count(key: string): number {
    const n = (this.tally[key] ?? 0) + 1;
    this.tally[key] = n;
    return n;
  }

  private setLink(link: EquipmentLink): void {
    this.current = link;
    const level = link.state === "lost" || link.state === "retrying" ? "warn" : "info";
    this.logger[level]({ link }, `equipment link ${describeEquipmentLink(link, this.clock.now())}`);
    for (const listener of this.linkListeners) {
      try {
        listener(link);
      } catch (err) {
        this.logger.error({ err }, "link listener failed");
      }
    }
  }
}
