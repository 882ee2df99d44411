/**
 * The ports of the mission services (issue 4), implemented by src/store/mission-*.ts (SQLite).
 * Every write happens inside the caller's UnitOfWork transaction, with the outbox message it causes.
 */
import type { ReadinessVerdict } from "../domain/equipment/readiness-verdict.ts";
import type { MissionDetails } from "../domain/missions/mission-details.ts";
import type { MissionState } from "../domain/missions/mission-lifecycle.ts";
import type { StatusKey } from "../domain/radio-status.ts";

export interface MissionRecord {
  id: string;
  state: MissionState;
  details: MissionDetails;
  assignedAt: number;
  updatedAt: number;
  /** Closed (dispatch acknowledged the report), declined or cancelled; null while it goes on. */
  endedAt: number | null;
  cancelReason: string | null;
  declineReason: string | null;
  /** Envelope id of the `report` event, once sent. */
  reportMessageId: string | null;
  /** When its patient data was purged. */
  purgedAt: number | null;
}

export type TimelineKind = "ack" | "status" | "lifecycle";

export interface TimelineEntry {
  id: number;
  missionId: string;
  kind: TimelineKind;
  /** The ack state, status key or lifecycle state (assigned, updated, cancelled, reported, closed). */
  state: string;
  at: number;
  lat: number | null;
  lon: number | null;
  /** Envelope id of the message sent for it, if any: its delivery state is in the DeliveryLog. */
  messageId: string | null;
  note: string | null;
}

export type NewTimelineEntry = Omit<TimelineEntry, "id">;

export interface MissionStore {
  insert(record: MissionRecord): void;
  get(id: string): MissionRecord | null;
  /** Writes every mutable field of an existing mission. */
  save(record: MissionRecord): void;
  /** Newest first. */
  list(limit: number): MissionRecord[];
  inStates(states: readonly MissionState[]): MissionRecord[];
  addTimeline(entry: NewTimelineEntry): TimelineEntry;
  timeline(missionId: string): TimelineEntry[];
  /** Ended missions whose patient data is still there, ended before `endedBefore`. */
  unpurgedEndedBefore(endedBefore: number): MissionRecord[];
  /**
   * Replaces the mission's details with `purged` and clears the report summary and timeline notes.
   * Call compactAfterPurge() once the transaction has committed.
   */
  purgePatientData(missionId: string, purged: MissionDetails, at: number): void;
  /** Gets the purged bytes out of the file and its WAL (see the repository). */
  compactAfterPurge(): void;
}

export interface StatusRecord {
  key: StatusKey;
  since: number;
  missionId: string | null;
  lat: number | null;
  lon: number | null;
  messageId: string;
  note?: string | null;
}

export interface StatusStore {
  current(): StatusRecord | null;
  /** Records a status sent: the history always, the current status when `isCurrent`. */
  record(status: StatusRecord, isCurrent: boolean): void;
  /** Newest first. */
  history(limit: number): StatusRecord[];
}

export interface CrewMessageRecord {
  id: string;
  direction: "in" | "out";
  text: string;
  replyTo: string | null;
  at: number;
  readAt: number | null;
}

export interface CrewMessageStore {
  insert(message: CrewMessageRecord): void;
  get(id: string): CrewMessageRecord | null;
  /** Newest first. */
  list(limit: number): CrewMessageRecord[];
  unreadCount(): number;
  markRead(id: string, at: number): boolean;
  markAllRead(at: number): number;
}

export interface VisitReportRecord {
  missionId: string;
  messageId: string;
  outcome: string;
  /** null once purged. */
  summary: string | null;
  acts: string[];
  consumables: Array<{ item: string; qty: number }>;
  times: Record<string, number>;
  createdAt: number;
}

export interface VisitReportStore {
  insert(report: VisitReportRecord): void;
  get(missionId: string): VisitReportRecord | null;
}

/**
 * The equipment readiness as the status board asks for it before `available` (issue 4, "Readiness
 * gate"). null means unknown: no equipment monitor, or it has no verdict yet.
 */
export interface ReadinessProvider {
  verdict(): ReadinessVerdict | null;
}

/** Until the equipment monitor is wired in, readiness is unknown (issue 4). */
export const unknownReadiness: ReadinessProvider = { verdict: () => null };
