/**
 * Live positions and backfill (DESIGN.md §3, PROTOCOL.md A `position` and `track`).
 *
 * - Online, each fix goes through the reporting policy; a chosen fix is published at once as the
 *   retained `position` (QoS 0: a newer fix supersedes a lost one).
 * - Every fix is in the SQLite track anyway. Fixes received while the link is up count as covered by
 *   the live stream once the link has stayed up for `coverageGraceMs` after them — longer than MQTT
 *   needs to notice a dead connection (1.5 × keepalive) — so a silent network cut never makes us
 *   believe dispatch saw what it did not. Uncovered fixes stay "unsent".
 * - On (re)connect: the newest position first (users ask for it first), then the unsent fixes
 *   received before the connection in `track` batches (≤ 500 points and ≤ 64 KiB, oldest first),
 *   each marked sent on PUBACK. The `sent` flag is stored, so the backfill resumes across restarts.
 *   Track batches bypass the outbox: the track table is their durable store; dispatch de-duplicates
 *   points by vehicle and fixTime, so a crash between PUBACK and marking only repeats a batch.
 * - "Before the connection" and "covered" are told apart by GNSS time (the first fix received on
 *   this connection splits the track) and the grace is measured on the monotonic clock, never with
 *   the system clock: a jump of that clock used to leave the fixes received during it neither
 *   backfilled nor covered, then count them covered an hour later without sending them
 *   (test/reliability/chaos). The backfill may wait a few seconds after the connection
 *   (`backfillDelayMs`), for dispatch to subscribe again after a broker restart.
 */
import { carEnvelope } from "../contracts/car-envelope.ts";
import { maxPayloadBytes } from "../contracts/fields.ts";
import type { Fix } from "../domain/gnss/fix.ts";
import {
  decideReport,
  defaultReportingPolicy,
  initialReportingState,
  type MovingProfile,
  noteStatusChange,
  type ReportingPolicyConfig,
  type ReportingState,
} from "../domain/reporting-policy.ts";
import { planTrackBatches } from "../domain/track-batches.ts";
import type { DispatchLink, DispatchLinkStatus } from "./dispatch-link.ts";
import type { Clock, Logger } from "./ports.ts";
import type { StoredPosition, TrackStore } from "./track-store.ts";

export interface FixFeed {
  onFix(listener: (fix: Fix, receivedAt: number) => void): () => void;
}

export interface TelemetryReporterContext {
  vehicle: string;
  link: DispatchLink;
  track: TrackStore;
  fixes: FixFeed;
  clock: Clock;
  logger: Logger;
  policy?: ReportingPolicyConfig;
  /** "mission" while a mission is open (tighter rules), else "patrol". */
  profile?: () => MovingProfile;
  /** Default 70 s: twice the 30 s keepalive plus a margin. */
  coverageGraceMs?: number;
  /** How often coverage and leftover backfill are checked while online (default 10 s). */
  tickMs?: number;
  /**
   * Wait this long after a connection before the backfill (default 0). A broker that restarted
   * without dispatch's shared subscriptions (mosquitto 2.0) drops what it gets before dispatch has
   * subscribed again; track batches are not re-sent once PUBACKed (test/reliability/chaos).
   */
  backfillDelayMs?: number;
}

export interface TelemetryStats {
  live: number;
  backfilledPoints: number;
  backfillBatches: number;
  backfillRunning: boolean;
}

const maxTrackPoints = 500;

/** A fix received on the current connection: when (monotonic ms) and its GNSS time (epoch ms). */
interface LiveFix {
  at: number;
  fixTimeMs: number;
}

export class TelemetryReporter {
  private state: ReportingState = initialReportingState;
  /** Monotonic ms of the current connection's start; null while not connected. */
  private connectedSince: number | null = null;
  /** GNSS time of the first fix received on this connection: older unsent fixes are backfilled. */
  private firstLiveFixTime: number | null = null;
  /** Fixes received on this connection and not yet past the grace period, oldest first. */
  private liveFixes: LiveFix[] = [];
  private backfilling: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private backfillTimer: NodeJS.Timeout | null = null;
  private readonly unsubscribers: Array<() => void> = [];
  private readonly stats_: TelemetryStats = {
    live: 0,
    backfilledPoints: 0,
    backfillBatches: 0,
    backfillRunning: false,
  };
  private readonly trackEnvelopeBytes: number;

  constructor(private readonly ctx: TelemetryReporterContext) {
    // The size of a `track` envelope around an empty list (the schema wants one point, so measure
    // with one and take it away), with a 10-digit seq of margin.
    const point: Fix = { fixTime: new Date(0).toISOString(), lat: 0.5, lon: 0.5, fix: "3d" };
    this.trackEnvelopeBytes =
      Buffer.byteLength(JSON.stringify(this.envelope("track", { points: [point] }))) -
      Buffer.byteLength(JSON.stringify(point)) +
      ',"seq":1234567890'.length;
  }

  start(): void {
    this.unsubscribers.push(this.ctx.fixes.onFix((fix) => this.onFix(fix)));
    this.unsubscribers.push(this.ctx.link.onStatus((status) => this.onLinkStatus(status)));
    if (this.ctx.link.isConnected()) this.onLinkStatus(this.ctx.link.status());
    this.timer = setInterval(() => this.tick(), this.ctx.tickMs ?? 10_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.backfillTimer) clearTimeout(this.backfillTimer);
    this.backfillTimer = null;
    this.connectedSince = null;
    this.liveFixes = [];
    await this.backfilling;
  }

  /** A radio status changed: the next fix goes out at once, whatever the rules say. */
  statusChanged(): void {
    this.state = noteStatusChange(this.state);
  }

  /** `status.request` from dispatch, and the first thing after a reconnect: the newest position. */
  async republishPosition(): Promise<void> {
    const latest = this.ctx.track.latest();
    if (latest) await this.publishPosition(latest.fix);
  }

  stats(): TelemetryStats {
    return { ...this.stats_, backfillRunning: this.backfilling !== null };
  }

  private onFix(fix: Fix): void {
    if (!this.ctx.link.isConnected()) return; // stored in the track: the backfill sends it
    if (this.connectedSince !== null) {
      const fixTimeMs = Date.parse(fix.fixTime);
      this.firstLiveFixTime ??= fixTimeMs;
      this.liveFixes.push({ at: this.ctx.clock.monotonic(), fixTimeMs });
    }
    const decision = decideReport(
      this.state,
      { fix, profile: this.ctx.profile?.() ?? "patrol" },
      this.ctx.policy ?? defaultReportingPolicy,
    );
    this.state = decision.next;
    if (decision.report)
      void this.publishPosition(fix).then(
        () => this.stats_.live++,
        () => {},
      );
  }

  private onLinkStatus(status: DispatchLinkStatus): void {
    if (status.state !== "connected") {
      this.connectedSince = null;
      this.firstLiveFixTime = null;
      this.liveFixes = [];
      return;
    }
    if (this.connectedSince !== null) return;
    this.connectedSince = this.ctx.clock.monotonic();
    // After an outage the policy starts afresh: the first fix is reported whatever happened before.
    this.state = initialReportingState;
    void this.republishPosition()
      .catch((error: unknown) =>
        this.ctx.logger.warn({ err: error }, "could not publish the newest position"),
      )
      .finally(() => this.startBackfill());
  }

  private tick(): void {
    if (this.connectedSince === null || !this.ctx.link.isConnected()) return;
    const due = this.ctx.clock.monotonic() - (this.ctx.coverageGraceMs ?? 70_000);
    let coveredUntil: number | null = null;
    while (this.liveFixes.length > 0 && (this.liveFixes[0] as LiveFix).at < due) {
      const fixTimeMs = (this.liveFixes.shift() as LiveFix).fixTimeMs;
      coveredUntil = Math.max(coveredUntil ?? fixTimeMs, fixTimeMs);
    }
    try {
      // From the connection's first fix each time: a fix stored late (a full disk) is covered too.
      if (coveredUntil !== null && this.firstLiveFixTime !== null)
        this.ctx.track.markFixTimesSent(this.firstLiveFixTime, coveredUntil);
    } catch (error) {
      this.ctx.logger.error({ err: error }, "could not mark live-covered fixes");
    }
    this.startBackfill();
  }

  private startBackfill(): void {
    if (this.backfilling || this.connectedSince === null) return;
    const wait = this.connectedSince + (this.ctx.backfillDelayMs ?? 0) - this.ctx.clock.monotonic();
    if (wait > 0) {
      this.backfillTimer ??= setTimeout(() => {
        this.backfillTimer = null;
        this.startBackfill();
      }, wait);
      return;
    }
    this.backfilling = this.backfill()
      .catch((error: unknown) =>
        this.ctx.logger.warn({ err: error }, "backfill interrupted; it resumes on the next connection"),
      )
      .finally(() => {
        this.backfilling = null;
      });
  }

  private async backfill(): Promise<void> {
    for (;;) {
      if (this.connectedSince === null || !this.ctx.link.isConnected()) return;
      // Before the first live fix, every unsent fix was received before this connection.
      const unsent =
        this.firstLiveFixTime === null
          ? this.ctx.track.unsent(maxTrackPoints)
          : this.ctx.track.unsent(maxTrackPoints, this.firstLiveFixTime);
      const [batch] = planTrackBatches(unsent, (p: StoredPosition) => p.fix, {
        maxPoints: maxTrackPoints,
        maxBytes: maxPayloadBytes,
        envelopeBytes: this.trackEnvelopeBytes,
      });
      if (!batch) return;
      const payload = JSON.stringify(this.envelope("track", { points: batch.entries.map((p) => p.fix) }));
      await this.ctx.link.publish("track", payload, { qos: 1, retain: false });
      this.ctx.track.markSent(batch.entries.map((p) => p.id));
      this.stats_.backfilledPoints += batch.entries.length;
      this.stats_.backfillBatches++;
    }
  }

  private async publishPosition(fix: Fix): Promise<void> {
    const payload = JSON.stringify(this.envelope("position", fix));
    await this.ctx.link.publish("position", payload, { qos: 0, retain: true });
  }

  private envelope(type: "position" | "track", body: unknown) {
    return carEnvelope({ type, body, src: this.ctx.vehicle, now: this.ctx.clock.now() });
  }
}
