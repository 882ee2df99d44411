/**
 * Sends the readiness summary to dispatch as `equipment` messages (PROTOCOL.md A: topic `equipment`,
 * QoS 1, retained; "on change and every 10 min"), through the durable outbox (DESIGN.md §3), so
 * that the last verdict survives a broker outage and a power cut.
 *
 * When:
 *   on change   `debounceMs` (2 s) after the last change of the summary's key (equipment-summary.ts),
 *               so that a flapping reading (a probe hovering on 25.0 °C, a loose bracket switch)
 *               does not flood the outbox; but at most `maxDelayMs` (30 s) after the first pending
 *               change, so that a reading flapping for minutes cannot hold back a new fault. Nothing
 *               is sent when the key is back to what was last sent.
 *   periodic    `periodMs` (10 min) after the last message, whatever happened.
 *   at once     `publishNow()`: dispatch's `status.request`.
 *   at start    the first message waits until the controller link is up, or `startupGraceMs` (15 s):
 *               at boot the controller answers within a few seconds, and a retained "everything
 *               unknown" a second before "ready" would only make dispatch's board blink.
 * Nothing is sent when nothing changed and the 10 min are not up.
 */
import type { GatePolicy } from "../domain/equipment/readiness-verdict.ts";
import type { EquipmentMonitor } from "./equipment-monitor.ts";
import { equipmentBodyOf, verdictKey } from "./equipment-summary.ts";
import type { Outbox, UnitOfWork } from "./outbox.ts";
import type { Clock, Logger } from "./ports.ts";

export type VerdictSource = Pick<EquipmentMonitor, "verdict" | "onVerdict" | "link">;

export interface EquipmentReporterContext {
  monitor: VerdictSource;
  outbox: Outbox;
  unitOfWork: UnitOfWork;
  clock: Clock;
  logger: Logger;
  /** Whether a fault blocks `available`; the body's `ready` follows it (default "block"). */
  policy?: GatePolicy;
  /** Called after a message is committed: the publisher's `kick`, so it goes out at once. */
  onEnqueued?: () => void;
  debounceMs?: number;
  maxDelayMs?: number;
  periodMs?: number;
  startupGraceMs?: number;
}

export type PublishReason = "change" | "periodic" | "startup" | "status.request";

export const equipmentTiming = {
  debounceMs: 2000,
  maxDelayMs: 30_000,
  periodMs: 600_000,
  startupGraceMs: 15_000,
} as const;

export class EquipmentReporter {
  private readonly logger: Logger;
  private readonly timing: Record<keyof typeof equipmentTiming, number>;
  private running = false;
  private offVerdict: (() => void) | null = null;
  private debounceTimer: ReturnType<typeof setTimeout> | null = null;
  private periodTimer: ReturnType<typeof setTimeout> | null = null;
  private graceTimer: ReturnType<typeof setTimeout> | null = null;
  /** Monotonic ms of the first change not sent yet. */
  private pendingSince: number | null = null;
  private lastKey: string | null = null;
  private sent = 0;

  constructor(private readonly ctx: EquipmentReporterContext) {
    this.logger = ctx.logger.child({ component: "equipment-reporter" });
    this.timing = {
      debounceMs: ctx.debounceMs ?? equipmentTiming.debounceMs,
      maxDelayMs: ctx.maxDelayMs ?? equipmentTiming.maxDelayMs,
      periodMs: ctx.periodMs ?? equipmentTiming.periodMs,
      startupGraceMs: ctx.startupGraceMs ?? equipmentTiming.startupGraceMs,
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.offVerdict = this.ctx.monitor.onVerdict(() => this.changed());
    this.graceTimer = setTimeout(() => {
      this.graceTimer = null;
      if (this.sent === 0) this.publish("startup");
    }, this.timing.startupGraceMs);
    this.changed();
  }

  stop(): void {
    this.running = false;
    this.offVerdict?.();
    this.offVerdict = null;
    for (const timer of [this.debounceTimer, this.periodTimer, this.graceTimer])
      if (timer !== null) clearTimeout(timer);
    this.debounceTimer = this.periodTimer = this.graceTimer = null;
    this.pendingSince = null;
  }

  /**
   * Sends the current summary now (dispatch's `status.request`). Safe inside the caller's
   * transaction (the enqueue then commits with it); false when the outbox refused it (logged).
   */
  publishNow(reason: PublishReason = "status.request"): boolean {
    return this.publish(reason);
  }

  /** Messages committed since start. */
  sentCount(): number {
    return this.sent;
  }

  private changed(): void {
    if (!this.running) return;
    // Even a change back to what dispatch already has restarts the wait: the reading is still moving,
    // and the cap, counted from the first change, still bounds the wait.
    const now = this.ctx.clock.monotonic();
    this.pendingSince ??= now;
    const untilCap = this.pendingSince + this.timing.maxDelayMs - now;
    if (this.debounceTimer !== null) clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(
      () => {
        this.debounceTimer = null;
        this.flushChange();
      },
      Math.max(0, Math.min(this.timing.debounceMs, untilCap)),
    );
  }

  private flushChange(): void {
    this.pendingSince = null;
    // Changed back before it was sent: dispatch already has it.
    if (verdictKey(this.ctx.monitor.verdict()) === this.lastKey) return;
    // At boot, hold until the controller talks (or the grace timer gives up waiting).
    if (this.sent === 0 && this.graceTimer !== null && this.ctx.monitor.link().state !== "connected") return;
    this.publish("change");
  }

  private publish(reason: PublishReason): boolean {
    const verdict = this.ctx.monitor.verdict();
    const body = equipmentBodyOf(verdict, this.ctx.policy ?? "block");
    const now = this.ctx.clock.now();
    try {
      this.ctx.unitOfWork.transaction(() => this.ctx.outbox.enqueue("equipment", body, now));
    } catch (err) {
      this.logger.error({ err, reason }, "could not queue the equipment summary");
      return false;
    }
    this.sent++;
    this.lastKey = verdictKey(verdict);
    this.clearDebounce();
    if (this.graceTimer !== null) clearTimeout(this.graceTimer);
    this.graceTimer = null;
    if (this.periodTimer !== null) clearTimeout(this.periodTimer);
    this.periodTimer = this.running
      ? setTimeout(() => {
          this.periodTimer = null;
          this.publish("periodic");
        }, this.timing.periodMs)
      : null;
    this.logger.info({ reason, ready: body.ready, readiness: verdict.readiness }, "equipment summary queued");
    try {
      this.ctx.onEnqueued?.();
    } catch (err) {
      this.logger.error({ err }, "onEnqueued failed");
    }
    return true;
  }

  private clearDebounce(): void {
    if (this.debounceTimer !== null) clearTimeout(this.debounceTimer);
    this.debounceTimer = null;
    this.pendingSince = null;
  }
}
