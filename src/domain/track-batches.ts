/**
 * Planning of the backfill after an outage (DESIGN.md §3, reporting policy; PROTOCOL.md A, `track`).
 *
 * While offline every fix goes into the stored track. Once the link is back, the newest position goes
 * out first as a live `position` (users ask for where the car is now), and then the unsent points go
 * out as `track` messages, oldest first. This module cuts those points into batches; sending and
 * marking them sent belong to the dispatch link.
 *
 * A batch closes at whichever limit comes first: 500 points (PROTOCOL.md A) or a serialized envelope
 * of 64 KiB (the payload limit, which receivers enforce before parsing). A point with every field is
 * about 140 bytes of JSON, so 500 full points (~70 KiB) break the byte limit before the count limit:
 * counting points alone would produce messages that dispatch rejects, forever, since the same batch
 * would be re-planned after every rejection.
 *
 * Sizes are the UTF-8 bytes of the JSON the envelope produces: the envelope with an empty `points`
 * array, plus each point's JSON, plus one comma between two points. JSON.stringify is pure, so the
 * size is measured, not estimated.
 */
import type { Fix } from "./gnss/fix.ts";

export interface TrackBatchLimits {
  /** Most points in one batch (PROTOCOL.md A: 500). */
  maxPoints: number;
  /** Most UTF-8 bytes of one serialized envelope (PROTOCOL.md A: 64 KiB). */
  maxBytes: number;
  /**
   * Bytes of the serialized envelope around an empty `points` array, `[]` included. Give the worst
   * case (longest id, timestamp and seq) when the envelope is built after planning.
   */
  envelopeBytes: number;
}

export interface TrackBatch<T> {
  entries: T[];
  /** The serialized size of the envelope this batch makes, bytes. */
  bytes: number;
}

/**
 * Cuts `entries` (unsent positions, oldest first) into consecutive batches, keeping their order. The
 * caller maps each entry to the `position` it puts on the wire with `pointOf`, and keeps its entries
 * (with their store ids) to mark them sent once dispatch has a batch.
 *
 * Throws a RangeError when the limits cannot hold even one point: that is a configuration error
 * (a valid fix is at most a few hundred bytes), and skipping the point would lose it silently.
 */
export function planTrackBatches<T>(
  entries: readonly T[],
  pointOf: (entry: T) => Fix,
  limits: TrackBatchLimits,
): TrackBatch<T>[] {
  if (!(limits.maxPoints >= 1)) throw new RangeError(`maxPoints must be at least 1, got ${limits.maxPoints}`);
  const batches: TrackBatch<T>[] = [];
  let current: T[] = [];
  let bytes = limits.envelopeBytes;
  for (const entry of entries) {
    const pointBytes = jsonBytes(pointOf(entry));
    const withPoint = bytes + pointBytes + (current.length > 0 ? 1 : 0);
    if (current.length > 0 && (current.length >= limits.maxPoints || withPoint > limits.maxBytes)) {
      batches.push({ entries: current, bytes });
      current = [];
      bytes = limits.envelopeBytes;
    }
    const added = bytes + pointBytes + (current.length > 0 ? 1 : 0);
    if (added > limits.maxBytes) {
      throw new RangeError(
        `a ${pointBytes}-byte point does not fit a ${limits.maxBytes}-byte envelope of ${limits.envelopeBytes} bytes`,
      );
    }
    current.push(entry);
    bytes = added;
  }
  if (current.length > 0) batches.push({ entries: current, bytes });
  return batches;
}

/** UTF-8 bytes of `JSON.stringify(value)`. */
export function jsonBytes(value: unknown): number {
  return utf8Length(JSON.stringify(value) ?? "null");
}

/** UTF-8 bytes of a string, without allocating the encoded bytes. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      // A surrogate pair is one code point of 4 bytes; a lone surrogate becomes U+FFFD (3 bytes).
      if (low >= 0xdc00 && low <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
