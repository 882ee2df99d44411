/**
 * Text messages between the doctor and dispatch in SQLite (schema in mission-migrations.ts):
 * implements CrewMessageStore. Outgoing messages count as read: only dispatch's are "unread".
 */
import type { Database, Statement } from "better-sqlite3";
import type { CrewMessageRecord, CrewMessageStore } from "../services/mission-ports.ts";

interface MessageRow {
  id: string;
  direction: "in" | "out";
  text: string;
  reply_to: string | null;
  at: number;
  read_at: number | null;
}

const columns = "id, direction, text, reply_to, at, read_at";

function toRecord(row: MessageRow): CrewMessageRecord {
  return {
    id: row.id,
    direction: row.direction,
    text: row.text,
    replyTo: row.reply_to,
    at: row.at,
    readAt: row.read_at,
  };
}

export class SqliteCrewMessageStore implements CrewMessageStore {
  private readonly insertMessage: Statement<[MessageRow]>;
  private readonly selectOne: Statement<[string], MessageRow>;
  private readonly selectList: Statement<[number], MessageRow>;
  private readonly countUnread: Statement<[], number>;
  private readonly setRead: Statement<[number, string]>;
  private readonly setAllRead: Statement<[number]>;

  constructor(db: Database) {
    this.insertMessage = db.prepare(
      `INSERT INTO crew_messages (${columns}) VALUES (@id, @direction, @text, @reply_to, @at, @read_at)`,
    );
    this.selectOne = db.prepare(`SELECT ${columns} FROM crew_messages WHERE id = ?`);
    this.selectList = db.prepare(`SELECT ${columns} FROM crew_messages ORDER BY at DESC, rowid DESC LIMIT ?`);
    this.countUnread = db
      .prepare<[], number>("SELECT COUNT(*) FROM crew_messages WHERE direction = 'in' AND read_at IS NULL")
      .pluck();
    this.setRead = db.prepare("UPDATE crew_messages SET read_at = ? WHERE id = ? AND read_at IS NULL");
    this.setAllRead = db.prepare(
      "UPDATE crew_messages SET read_at = ? WHERE direction = 'in' AND read_at IS NULL",
    );
  }

  insert(message: CrewMessageRecord): void {
    this.insertMessage.run({
      id: message.id,
      direction: message.direction,
      text: message.text,
      reply_to: message.replyTo,
      at: message.at,
      read_at: message.readAt,
    });
  }

  get(id: string): CrewMessageRecord | null {
    const row = this.selectOne.get(id);
    return row === undefined ? null : toRecord(row);
  }

  list(limit: number): CrewMessageRecord[] {
    return this.selectList.all(limit).map(toRecord);
  }

  unreadCount(): number {
    return this.countUnread.get() ?? 0;
  }

  markRead(id: string, at: number): boolean {
    return this.setRead.run(at, id).changes === 1;
  }

  markAllRead(at: number): number {
    return this.setAllRead.run(at).changes;
  }
}
