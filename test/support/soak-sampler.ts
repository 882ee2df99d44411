/**
 * Samples a running core from the outside, as an operator's monitoring would (issue 9, soak):
 *   - RSS from /proc/PID/status (VmRSS) and the open file descriptors (/proc/PID/fd);
 *   - the V8 heap and the active libuv handles from the core's own `GET /api/health`
 *     (src/contracts/core-health.ts), which also gives the core's clock;
 *   - the SQLite file and its WAL on disk, and the track's row counts (a short read-only query:
 *     WAL readers never block the core's writer).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { request } from "node:http";
import Database from "better-sqlite3";
import { type CoreHealth, coreHealthPath, coreHealthSchema } from "../../src/contracts/core-health.ts";

export interface CoreHandoff {
  url: string;
  token: string;
}

export interface HealthReading {
  health: CoreHealth;
  /** performance.now() around the request, to anchor the accelerated clock. */
  sentAt: number;
  receivedAt: number;
}

/**
 * One request to the core's loopback API on a connection of its own (no keep-alive pool): the
 * core's descriptor count must not depend on how many idle connections a client left open, and a
 * connection the core closed for idleness (its timers run accelerated) is never reused by mistake.
 */
export function coreRequest(
  core: CoreHandoff,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const url = new URL(path, core.url);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: payload === undefined ? "GET" : "POST",
        agent: false,
        headers: {
          authorization: `Bearer ${core.token}`,
          ...(payload === undefined ? {} : { "content-type": "application/json" }),
        },
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          try {
            resolve({
              status: res.statusCode ?? 0,
              json: JSON.parse(Buffer.concat(chunks).toString("utf8")),
            });
          } catch (error) {
            reject(error);
          }
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${path}: no answer from the core`)));
    req.on("error", reject);
    req.end(payload);
  });
}

export async function readHealth(core: CoreHandoff): Promise<HealthReading> {
  const sentAt = performance.now();
  const { status, json } = await coreRequest(core, coreHealthPath);
  if (status !== 200) throw new Error(`${coreHealthPath} answered ${status}`);
  return { health: coreHealthSchema.parse(json), sentAt, receivedAt: performance.now() };
}

/** VmRSS in bytes, or null once the process is gone. */
export function rssBytes(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export function openFds(pid: number): number | null {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) the process has used, from /proc/PID/stat. */
export function cpuSeconds(pid: number): number | null {
  try {
    const fields = (readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1] ?? "").split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

export function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export interface TrackCounts {
  rows: number;
  unsent: number;
  /** Ids are AUTOINCREMENT, never reused: `maxId - rows` points were pruned since the file was made. */
  maxId: number;
  /** GNSS time of the oldest and newest points kept (epoch ms), null when empty. */
  oldestMs: number | null;
  newestMs: number | null;
}

export function trackCounts(dbPath: string): TrackCounts {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    // Separate queries, each answered from an index (positions_fix_time, the partial positions_unsent).
    const value = (sql: string) => db.prepare(sql).pluck().get() as number | null;
    return {
      rows: value("SELECT count(*) FROM positions") ?? 0,
      unsent: value("SELECT count(*) FROM positions WHERE sent = 0") ?? 0,
      maxId: value("SELECT seq FROM sqlite_sequence WHERE name = 'positions'") ?? 0,
      oldestMs: value("SELECT min(fix_time_ms) FROM positions"),
      newestMs: value("SELECT max(fix_time_ms) FROM positions"),
    };
  } finally {
    db.close();
  }
}

/** The total of the health report's active handles and requests (every kind). */
export function activeResources(health: CoreHealth): number {
  return Object.values(health.resources).reduce((sum, n) => sum + n, 0);
}
