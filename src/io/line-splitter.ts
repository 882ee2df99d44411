/**
 * Bounded line splitter: bytes in, latin1 text lines out (no line ends, no empty lines).
 *
 * Why not @serialport/parser-readline (which DESIGN.md §2 names): its delimiter parser buffers
 * without limit and re-scans the whole buffer on every chunk, so 10 MiB with no newline blocks the
 * CPU for over a minute (PITFALLS.md, "@serialport/parser-readline"). It also splits on a single
 * delimiter, leaving a trailing `\r` with the default `\n`, and decodes utf8 by default, where a
 * stray 0xE2 before a line end swallows the start of the *next* sentence. Putting a bounded filter
 * in front of it would still cost a Transform stream per hop and a second scan per byte, so this
 * class does the whole job in one pass, and is a plain class rather than a Transform so the hot
 * path (one serial chunk every few ms) is a single function call with no stream machinery.
 *
 * Rules:
 * - CR, LF, CRLF, LFCR and mixed endings all end a line; the empty "lines" they produce are skipped.
 * - Bytes are decoded as latin1, one byte = one char, so no byte can affect its neighbours.
 * - At most `maxLineBytes` (256: NMEA sentences are ≤ 82 chars) are held without a line end. A
 *   longer line is discarded whole, up to the next line end, and counted as one overflow: a
 *   truncated sentence is garbage anyway, and the next line starts clean.
 * - Every byte is looked at once and at most `maxLineBytes` are ever copied, so cost is O(n).
 */

const CR = 0x0d;
const LF = 0x0a;

export interface LineSplitterCounts {
  /** Lines emitted. */
  lines: number;
  /** Lines discarded because they exceeded `maxLineBytes` before a line end. */
  overflows: number;
  /** Bytes dropped by overflows and by `reset()` (line ends not included). */
  bytesDiscarded: number;
}

export interface LineSplitterOptions {
  /** Longest line kept, in bytes without its line end. Default 256. */
  maxLineBytes?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 256;

export class LineSplitter {
  readonly maxLineBytes: number;
  /** The unfinished line carried over from previous chunks (never more than maxLineBytes). */
  private readonly pending: Buffer;
  private pendingLength = 0;
  /** True while dropping the rest of an over-long line, until the next line end. */
  private discarding = false;
  private readonly tally: LineSplitterCounts = { lines: 0, overflows: 0, bytesDiscarded: 0 };

  constructor(options: LineSplitterOptions = {}) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    if (!Number.isInteger(this.maxLineBytes) || this.maxLineBytes < 1) {
      throw new RangeError(`maxLineBytes must be a positive integer, got ${this.maxLineBytes}`);
    }
    this.pending = Buffer.allocUnsafe(this.maxLineBytes);
  }

  /** Feeds a chunk; returns the lines it completed, in order. */
  push(chunk: Uint8Array): string[] {
    const out: string[] = [];
    const length = chunk.length;
    let start = 0; // start of the current segment within `chunk`
    for (let i = 0; i < length; i++) {
      const byte = chunk[i];
      if (byte !== LF && byte !== CR) continue;
      this.endSegment(chunk, start, i, out);
      start = i + 1;
    }
    this.keepTail(chunk, start, length);
    return out;
  }

  /** Ends the input (e.g. end of a capture file): returns the unterminated last line, if any. */
  flush(): string[] {
    const out: string[] = [];
    if (!this.discarding && this.pendingLength > 0) this.emit(this.pending, 0, this.pendingLength, out);
    this.pendingLength = 0;
    this.discarding = false;
    return out;
  }

  /**
   * Drops the unfinished line without emitting it. Called on reconnect: the half sentence read
   * before an unplug must not be glued to the first bytes read after it.
   */
  reset(): void {
    this.tally.bytesDiscarded += this.pendingLength;
    this.pendingLength = 0;
    this.discarding = false;
  }

  counts(): Readonly<LineSplitterCounts> {
    return { ...this.tally };
  }

  /** A line end at `end`: the segment [start, end) completes the pending line. */
  private endSegment(chunk: Uint8Array, start: number, end: number, out: string[]): void {
    const segment = end - start;
    if (this.discarding) {
      this.tally.bytesDiscarded += segment;
      this.discarding = false;
      return;
    }
    const total = this.pendingLength + segment;
    if (total > this.maxLineBytes) {
      this.tally.overflows++;
      this.tally.bytesDiscarded += total;
      this.pendingLength = 0;
      return;
    }
    if (this.pendingLength === 0) {
      // Common case: the whole line is inside this chunk; decode it in place, no copy.
      if (segment > 0) this.emit(chunk, start, end, out);
      return;
    }
    this.pending.set(chunk.subarray(start, end), this.pendingLength);
    this.emit(this.pending, 0, total, out);
    this.pendingLength = 0;
  }

  /** No line end after `start`: keep the tail for the next chunk, or start discarding. */
  private keepTail(chunk: Uint8Array, start: number, end: number): void {
    const segment = end - start;
    if (segment === 0) return;
    if (this.discarding) {
      this.tally.bytesDiscarded += segment;
      return;
    }
    const total = this.pendingLength + segment;
    if (total > this.maxLineBytes) {
      this.tally.overflows++;
      this.tally.bytesDiscarded += total;
      this.pendingLength = 0;
      this.discarding = true;
      return;
    }
    this.pending.set(chunk.subarray(start, end), this.pendingLength);
    this.pendingLength = total;
  }

  private emit(bytes: Uint8Array, start: number, end: number, out: string[]): void {
    out.push(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString("latin1"));
    this.tally.lines++;
  }
}
