/**
 * The screen lock (issue 10), owned by the core and not by the page: a reload, a second window or a
 * crashed renderer cannot open a locked screen, because the core itself stops sending what it hides.
 *
 * - It locks after `lockAfterMs` without a touch while the car is stopped. Driving counts as
 *   activity: the count starts when the car stops, so the screen never locks under a moving doctor.
 * - A new sign-in opens it; a core that boots with a shift already open starts locked (the car may
 *   have been left parked with the terminal on, and a restart must not open it).
 * - What may run while it is locked, or while nobody is signed in, is `commandAdmitted` below: the
 *   panic and the alarms always (DESIGN.md §3 "Lone-worker safety"), nothing that shows or changes a
 *   mission.
 */
import type { UiCommandType } from "../contracts/ui-api.ts";
import type { Clock } from "../services/ports.ts";

export interface ScreenLockOptions {
  clock: Clock;
  lockAfterMs: number;
  /** The open shift's id, or null when nobody is signed in. */
  shiftId: () => string | null;
  /** The car moves (a recent fix faster than a walk). */
  moving: () => boolean;
  /** The lock opened or closed. */
  onChange: () => void;
  checkEveryMs?: number;
}

export type ScreenMode = "open" | "locked" | "signed_out";

const whileLocked: ReadonlySet<UiCommandType> = new Set([
  "shift.unlock",
  "ui.activity",
  "alarm.panic",
  "alarm.cancel",
  "loneWorker.extend",
  "loneWorker.answer",
]);
/** Signed out: the technician's checks stay possible (the car is checked before the shift). */
const whileSignedOut: ReadonlySet<UiCommandType> = new Set([
  "shift.signIn",
  "ui.activity",
  "alarm.panic",
  "alarm.cancel",
  "loneWorker.extend",
  "loneWorker.answer",
  "checks.sign",
]);

export function commandAdmitted(mode: ScreenMode, type: UiCommandType): boolean {
  if (mode === "locked") return whileLocked.has(type);
  if (mode === "signed_out") return whileSignedOut.has(type);
  return type !== "shift.signIn" && type !== "shift.unlock";
}

export class ScreenLock {
  private locked = false;
  /** undefined until the first look: the shift found at boot locks the screen. */
  private shiftId: string | null | undefined = undefined;
  private lastActivityAt: number;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: ScreenLockOptions) {
    this.lastActivityAt = options.clock.now();
  }

  start(): void {
    this.sync();
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.tick(), this.options.checkEveryMs ?? 500);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  mode(): ScreenMode {
    this.sync();
    if (this.shiftId === null) return "signed_out";
    return this.locked ? "locked" : "open";
  }

  /** A touch on the screen (or any command it sent). */
  activity(): void {
    this.lastActivityAt = this.options.clock.now();
  }

  lockNow(): void {
    this.sync();
    if (this.shiftId === null || this.locked) return;
    this.locked = true;
    this.options.onChange();
  }

  /** After the doctor's PIN was verified. */
  unlock(): void {
    this.activity();
    if (!this.locked) return;
    this.locked = false;
    this.options.onChange();
  }

  /** Follows sign-in and sign-out. */
  sync(): void {
    const current = this.options.shiftId();
    if (current === this.shiftId) return;
    const atBoot = this.shiftId === undefined;
    this.shiftId = current;
    this.locked = current !== null && atBoot;
    this.activity();
    if (!atBoot) this.options.onChange();
  }

  private tick(): void {
    this.sync();
    if (this.shiftId === null || this.locked) return;
    const now = this.options.clock.now();
    if (this.options.moving()) {
      this.lastActivityAt = now;
      return;
    }
    if (now - this.lastActivityAt >= this.options.lockAfterMs) this.lockNow();
  }
}
