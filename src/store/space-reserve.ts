/**
 * Disk space kept aside in the data folder, given back when the disk is full.
 *
 * A core stopped cleanly leaves no WAL: to open its database again, SQLite must create the -shm and
 * -wal files, and on a disk that filled up meanwhile (a technician's capture, a runaway log) that
 * fails (`SQLITE_IOERR_SHMSIZE`), so the car would send no position and no alarm until someone
 * frees space. The core therefore holds a reserve file while the disk has room, and deletes it when
 * the database cannot be opened for lack of space; it takes it again once there is room, so that
 * the reserve is never what fills the disk.
 *
 * The file is written (not sparse) and fsynced: a sparse file would free nothing.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
  statfsSync,
  statSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import type { Logger } from "../services/ports.ts";

/** 8 MiB: opening the database needs ~64 KiB, the rest lets the car run until space is back. */
export const defaultReserveBytes = 8 * 1024 * 1024;
const fileName = "space-reserve.bin";
const chunkBytes = 1024 * 1024;

export interface SpaceReserveOptions {
  dir: string;
  logger: Logger;
  bytes?: number;
  /** Free bytes for an unprivileged process on the folder's file system (default: statfs). */
  freeBytes?: (dir: string) => number;
}

function statfsFreeBytes(dir: string): number {
  const stats = statfsSync(dir);
  return stats.bavail * stats.bsize;
}

export class SpaceReserve {
  readonly path: string;
  private readonly bytes: number;
  private readonly freeBytes: (dir: string) => number;

  constructor(private readonly options: SpaceReserveOptions) {
    this.path = join(options.dir, fileName);
    this.bytes = options.bytes ?? defaultReserveBytes;
    this.freeBytes = options.freeBytes ?? statfsFreeBytes;
  }

  held(): boolean {
    try {
      return statSync(this.path).size === this.bytes;
    } catch {
      return false;
    }
  }

  /**
   * Takes the reserve if it is not held and the disk has room for it twice over (taking the last
   * free bytes would be filling the disk ourselves). Never throws: a reserve is a comfort.
   */
  ensure(): boolean {
    if (this.held()) return true;
    const partial = `${this.path}.part`;
    try {
      if (this.freeBytes(this.options.dir) < 2 * this.bytes) return false;
      // Written under another name first: a power cut mid-way leaves no half reserve to count on.
      const fd = openSync(partial, "w");
      try {
        const zeros = Buffer.alloc(Math.min(chunkBytes, this.bytes));
        for (let written = 0; written < this.bytes; ) {
          written += writeSync(fd, zeros, 0, Math.min(zeros.length, this.bytes - written));
        }
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(partial, this.path);
      this.options.logger.info({ path: this.path, bytes: this.bytes }, "disk space reserve taken");
      return true;
    } catch (err) {
      rmSync(partial, { force: true });
      this.options.logger.warn({ err, path: this.path }, "could not take the disk space reserve");
      return false;
    }
  }

  /** Deletes the reserve; returns the bytes given back (0 when none was held). */
  release(): number {
    if (!existsSync(this.path)) return 0;
    const size = statSync(this.path).size;
    rmSync(this.path, { force: true });
    this.options.logger.warn(
      { path: this.path, bytes: size },
      "data disk full: gave back the disk space reserve so that the terminal keeps working",
    );
    return size;
  }
}
