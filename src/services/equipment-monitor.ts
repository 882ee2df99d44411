/**
 * Live equipment readiness (issue 5; DESIGN.md §3, "Readiness gates availability"): the controller
 * driver's records and link state in, the readiness verdict out.
 *
 * - Each equipment record is mapped (equipment-readings.ts) and folded into the pure
 *   `EquipmentState` (applyReading), and the verdict is computed again at once, so that a change
 *   is known in the same turn as the line that carries it.
 * - It is computed again on every link change (lost after 5 s without HB: every sensor item
 *   `unknown`) and on a 1 s tick, because time alone changes it: a record goes stale after 30 s, a
 *   compartment's excursion passes its tolerance, a kit expires at midnight, a check falls overdue.
 *   The tick also reads the technician checks again (`CheckHistory`), so a check recorded by the
 *   technician shows within a second without the store calling us.
 * - Listeners hear a verdict only when its key changes (readiness, item states, reason codes;
 *   equipment-summary.ts); `verdict()` always has the latest one, live figures included.
 * - A cylinder swap (pressure rising while closed) is logged with its figures; it is an event,
 *   not a state (docs/equipment-readiness.md).
 *
 * The driver is seen through `EquipmentFeed`, which firmware-bridge's EquipmentDriver satisfies
 * structurally: services may not import firmware-bridge (test/unit/architecture.test.ts).
 */
import type { PsosRecord } from "../contracts/psos.ts";
import {
  applyReading,
  defaultStateOptions,
  type EquipmentReading,
  type EquipmentRecord,
  type EquipmentState,
  emptyEquipmentState,
  type ReadinessItem,
  type StateOptions,
} from "../domain/equipment/equipment-state.ts";
import { calendarDate, defaultTimeZone } from "../domain/equipment/kit-expiry.ts";
import {
  type AssessmentOptions,
  assessEquipment,
  type ReadinessVerdict,
} from "../domain/equipment/readiness-verdict.ts";
import type { Checklists, CheckRecord } from "../domain/equipment/technician-checks.ts";
import { itemIdFor, mapPsosRecord } from "./equipment-readings.ts";
import { verdictKey } from "./equipment-summary.ts";
import type { Clock, Logger } from "./ports.ts";

/** The controller link as the driver reports it (firmware-bridge EquipmentLink, reduced). */
export interface ControllerLink {
  readonly state: "stopped" | "connecting" | "connected" | "lost" | "retrying";
  /** Wall-clock ms when this state began. */
  readonly since: number;
}

/** The equipment controller driver, as the monitor reads it. */
export interface EquipmentFeed {
  onRecord(listener: (record: PsosRecord, receivedAt: number) => void): () => void;
  onLink(listener: (link: ControllerLink) => void): () => void;
  linkState(): ControllerLink;
}

/** The technician-check store: the latest result of each check, by check id. */
export interface CheckHistory {
  latestByCheck(): Readonly<Record<string, CheckRecord>>;
}

export const noCheckHistory: CheckHistory = { latestByCheck: () => ({}) };

export type VerdictCause = "start" | "record" | "link" | "tick";

export interface VerdictChange {
  /** Wall-clock ms (injected clock) when the verdict was computed. */
  readonly at: number;
  readonly cause: VerdictCause;
  /** For a record: its receive time. */
  readonly receivedAt?: number;
}

export type VerdictListener = (verdict: ReadinessVerdict, change: VerdictChange) => void;

export interface EquipmentMonitorContext {
  feed: EquipmentFeed;
  /** The profile's equipment items (a parsed profile's `equipment` fits as is). */
  items: readonly ReadinessItem[];
  /** The profile's checklists; without them, no check rule applies. */
  checks?: Checklists;
  /** Default: no check ever recorded (every checked item warns "never done"). */
  checkHistory?: CheckHistory;
  clock: Clock;
  logger: Logger;
  /** The car's calendar for expiry dates (default Europe/Paris, kit-expiry.ts). */
  timeZone?: string;
  /** Default 1000 ms. */
  tickMs?: number;
  assessment?: Partial<AssessmentOptions>;
  state?: StateOptions;
}

export class EquipmentMonitor {
  private readonly listeners = new Set<VerdictListener>();
  private readonly logger: Logger;
  private readonly checkHistory: CheckHistory;
  private state: EquipmentState = emptyEquipmentState;
  private lastChecks: Readonly<Record<string, CheckRecord>> = {};
  private current: ReadinessVerdict;
  private currentKey: string;
  private unsubscribe: Array<() => void> = [];
  private tickTimer: ReturnType<typeof setInterval> | null = null;
  /** Items whose sensor sends empty values, and record:slot pairs the profile does not know: logged once. */
  private readonly blankItems = new Set<string>();
  private readonly unmapped = new Set<string>();

  constructor(private readonly ctx: EquipmentMonitorContext) {
    this.logger = ctx.logger.child({ component: "equipment-monitor" });
    this.checkHistory = ctx.checkHistory ?? noCheckHistory;
    this.current = this.assess();
    this.currentKey = verdictKey(this.current);
  }

  start(): void {
    if (this.unsubscribe.length > 0) return;
    const { feed } = this.ctx;
    this.unsubscribe = [
      feed.onRecord((record, receivedAt) => this.handleRecord(record, receivedAt)),
      feed.onLink(() => this.update("link")),
    ];
    this.readChecks();
    this.update("start");
    this.tickTimer = setInterval(() => {
      this.readChecks();
      this.update("tick");
    }, this.ctx.tickMs ?? 1000);
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    if (this.tickTimer !== null) clearInterval(this.tickTimer);
    this.tickTimer = null;
  }

  /** The latest verdict, with live figures (pressure, autonomy, ages). */
  verdict(): ReadinessVerdict {
    return this.current;
  }

  link(): ControllerLink {
    return this.ctx.feed.linkState();
  }

  /** Called when the verdict's key changes; returns a function that removes the listener. */
  onVerdict(listener: VerdictListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private handleRecord(record: PsosRecord, receivedAt: number): void {
    const mapped = mapPsosRecord(record, receivedAt);
    if (mapped.kind === "link") return;
    if (mapped.kind === "blank") this.forgetBlank(mapped.record, mapped.slot, mapped.field);
    else this.fold(mapped.reading);
    this.update("record", receivedAt);
  }

  private fold(reading: EquipmentReading): void {
    const { items } = this.ctx;
    const applied = applyReading(this.state, items, reading, this.ctx.state ?? defaultStateOptions);
    this.state = applied.state;
    for (const event of applied.events) {
      if (event.type === "oxygen.cylinder_changed")
        this.logger.info(
          { itemId: event.itemId, fromBar: event.fromBar, toBar: event.toBar, at: event.at },
          `oxygen cylinder changed (${event.itemId}): ${event.fromBar} → ${event.toBar} bar, valve closed`,
        );
      else this.warnUnmapped(event.record, event.slot);
    }
    const itemId = itemIdFor(items, reading.record, "slot" in reading ? reading.slot : null);
    if (itemId !== undefined && this.blankItems.delete(itemId))
      this.logger.info({ itemId }, `${itemId}: the sensor reads again`);
  }

  /** An empty value: the item's last reading no longer holds (equipment-readings.ts). */
  private forgetBlank(record: EquipmentRecord, slot: number | null, field: string): void {
    const itemId = itemIdFor(this.ctx.items, record, slot);
    if (itemId === undefined) {
      this.warnUnmapped(record, slot);
      return;
    }
    if (!this.blankItems.has(itemId)) {
      this.blankItems.add(itemId);
      this.logger.warn({ itemId, field }, `${itemId}: the sensor sends no value`);
    }
    const { [itemId]: _forgotten, ...latest } = this.state.latest;
    this.state = { ...this.state, latest };
  }

  private warnUnmapped(record: string, slot: number | null): void {
    const key = `${record}:${slot ?? "-"}`;
    if (this.unmapped.has(key)) return;
    this.unmapped.add(key);
    // A wiring or profile mistake: say it once, not once a second.
    this.logger.warn({ record, slot }, `no profile item for ${record} slot ${slot ?? "-"}: ignored`);
  }

  private readChecks(): void {
    try {
      this.lastChecks = this.checkHistory.latestByCheck();
    } catch (err) {
      // Keep the previous results: a store hiccup must not turn every check "never done".
      this.logger.error({ err }, "could not read the technician checks");
    }
  }

  private assess(): ReadinessVerdict {
    const now = this.ctx.clock.now();
    const { items, checks, assessment } = this.ctx;
    return assessEquipment({
      items,
      state: this.state,
      now,
      today: calendarDate(now, this.ctx.timeZone ?? defaultTimeZone),
      link: this.ctx.feed.linkState().state === "connected" ? "up" : "lost",
      ...(checks === undefined ? {} : { checks, lastChecks: this.lastChecks }),
      ...(assessment === undefined ? {} : { options: assessment }),
    });
  }

  private update(cause: VerdictCause, receivedAt?: number): void {
    let verdict: ReadinessVerdict;
    try {
      verdict = this.assess();
    } catch (err) {
      // A profile date the rules refuse must not stop the link's listener; the last verdict stands.
      this.logger.error({ err, cause }, "could not assess the equipment");
      return;
    }
    this.current = verdict;
    const key = verdictKey(verdict);
    if (key === this.currentKey && cause !== "start") return;
    this.currentKey = key;
    const change: VerdictChange = {
      at: this.ctx.clock.now(),
      cause,
      ...(receivedAt === undefined ? {} : { receivedAt }),
    };
    this.logger.info(
      { readiness: verdict.readiness, cause, key },
      `equipment readiness: ${verdict.readiness}`,
    );
    for (const listener of this.listeners) {
      try {
        listener(verdict, change);
      } catch (err) {
        this.logger.error({ err }, "verdict listener failed");
      }
    }
  }
}
