/** Visit reports in SQLite (schema in mission-migrations.ts): implements VisitReportStore. */
import type { Database, Statement } from "better-sqlite3";
import type { VisitReportRecord, VisitReportStore } from "../services/mission-ports.ts";

interface ReportRow {
  mission_id: string;
  message_id: string;
  outcome: string;
  summary: string | null;
  acts: string;
  consumables: string;
  times: string;
  created_at: number;
}

export class SqliteVisitReportStore implements VisitReportStore {
  private readonly insertReport: Statement<[ReportRow]>;
  private readonly selectReport: Statement<[string], ReportRow>;

  constructor(db: Database) {
    this.insertReport = db.prepare(
      `INSERT INTO visit_reports (mission_id, message_id, outcome, summary, acts, consumables, times, created_at)
       VALUES (@mission_id, @message_id, @outcome, @summary, @acts, @consumables, @times, @created_at)`,
    );
    this.selectReport = db.prepare(
      "SELECT mission_id, message_id, outcome, summary, acts, consumables, times, created_at FROM visit_reports WHERE mission_id = ?",
    );
  }

  insert(report: VisitReportRecord): void {
    this.insertReport.run({
      mission_id: report.missionId,
      message_id: report.messageId,
      outcome: report.outcome,
      summary: report.summary,
      acts: JSON.stringify(report.acts),
      consumables: JSON.stringify(report.consumables),
      times: JSON.stringify(report.times),
      created_at: report.createdAt,
    });
  }

  get(missionId: string): VisitReportRecord | null {
    const row = this.selectReport.get(missionId);
    if (row === undefined) return null;
    return {
      missionId: row.mission_id,
      messageId: row.message_id,
      outcome: row.outcome,
      summary: row.summary,
      acts: JSON.parse(row.acts) as string[],
      consumables: JSON.parse(row.consumables) as VisitReportRecord["consumables"],
      times: JSON.parse(row.times) as Record<string, number>,
      createdAt: row.created_at,
    };
  }
}
