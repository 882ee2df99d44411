/**
 * Operators of the dispatch web UI and their sessions. Passwords are scrypt hashes (the technician
 * PIN hasher, src/store/scrypt-pin-hasher.ts, which fits: salted, parameters stored, constant-time
 * compare). A session token is 32 random bytes held only by the browser, in an HttpOnly cookie; the
 * database keeps its SHA-256, so a copy of the file does not let anyone in.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Database, Statement } from "better-sqlite3";
import type { Operator } from "../contracts/dispatch-api.ts";
import type { ScryptParams, StoredPin } from "../services/check-ports.ts";
import { ScryptPinHasher } from "./scrypt-pin-hasher.ts";

type Row = Record<string, unknown>;

export const sessionLifetimeMs = 12 * 3600_000;

const tokenHash = (token: string) => createHash("sha256").update(token).digest("hex");

export class DispatchOperatorRepository {
  private readonly upsert: Statement;
  private readonly byName: Statement;
  private readonly countRows: Statement;
  private readonly insertSession: Statement;
  private readonly sessionRow: Statement;
  private readonly deleteSession: Statement;
  private readonly purge: Statement;

  constructor(
    db: Database,
    private readonly hasher = new ScryptPinHasher(),
  ) {
    this.upsert = db.prepare(
      `INSERT INTO operators (username, display_name, algorithm, hash, salt, params) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name, algorithm = excluded.algorithm,
         hash = excluded.hash, salt = excluded.salt, params = excluded.params`,
    );
    this.byName = db.prepare("SELECT * FROM operators WHERE username = ?");
    this.countRows = db.prepare("SELECT count(*) AS n FROM operators");
    this.insertSession = db.prepare(
      "INSERT INTO sessions (token_hash, username, expires_at) VALUES (?, ?, ?)",
    );
    this.sessionRow = db.prepare(
      `SELECT o.username, o.display_name FROM sessions s JOIN operators o USING (username)
       WHERE s.token_hash = ? AND s.expires_at > ?`,
    );
    this.deleteSession = db.prepare("DELETE FROM sessions WHERE token_hash = ?");
    this.purge = db.prepare("DELETE FROM sessions WHERE expires_at <= ?");
  }

  count(): number {
    return Number((this.countRows.get() as Row).n);
  }

  async setPassword(username: string, displayName: string, password: string): Promise<void> {
    const stored = await this.hasher.hash(password);
    this.upsert.run(
      username,
      displayName,
      stored.algorithm,
      stored.hash,
      stored.salt,
      JSON.stringify(stored.params),
    );
  }

  /** The operator, or null for an unknown name or a wrong password (the same answer, on purpose). */
  async verify(username: string, password: string): Promise<Operator | null> {
    const row = this.byName.get(username) as Row | undefined;
    if (row === undefined) {
      // Spend the same time as a real check, so that response times do not reveal valid usernames.
      await this.hasher.hash(password);
      return null;
    }
    const stored: StoredPin = {
      algorithm: row.algorithm as StoredPin["algorithm"],
      hash: row.hash as Buffer,
      salt: row.salt as Buffer,
      params: JSON.parse(String(row.params)) as ScryptParams,
    };
    const ok = await this.hasher.verify(password, stored);
    return ok ? { username, displayName: String(row.display_name) } : null;
  }

  openSession(username: string, now: number): string {
    this.purge.run(now);
    const token = randomBytes(32).toString("base64url");
    this.insertSession.run(tokenHash(token), username, now + sessionLifetimeMs);
    return token;
  }

  session(token: string, now: number): Operator | null {
    const row = this.sessionRow.get(tokenHash(token), now) as Row | undefined;
    return row === undefined
      ? null
      : { username: String(row.username), displayName: String(row.display_name) };
  }

  closeSession(token: string): void {
    this.deleteSession.run(tokenHash(token));
  }
}
