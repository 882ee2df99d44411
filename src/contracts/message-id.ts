/**
 * Message ids (PROTOCOL.md A, envelope `id`): UUIDv7 as RFC 9562 §5.7 lays it out.
 *
 *   bytes 0-5   unix_ts_ms, 48 bits, big-endian
 *   byte  6     version 7 in the high nibble, then 4 random bits   (rand_a, 12 bits with byte 7)
 *   byte  8     variant 0b10 in the two high bits, then 6 random bits (rand_b, 62 bits with bytes 9-15)
 *
 * The clock is passed in (DESIGN.md: inject the clock) so that ids are reproducible in tests; the
 * 74 random bits come from the platform CSPRNG, which makes a collision between two cars in the same
 * millisecond negligible (RFC 9562 §6.8). Ids are not monotonic within a millisecond; nothing here
 * needs that, because ordering comes from the envelope `seq`.
 */

const maxTimestamp = 2 ** 48 - 1;

/** A new UUIDv7 for the wall-clock time `now` (milliseconds since the Unix epoch). */
export function newMessageId(now: number): string {
  if (!Number.isInteger(now) || now < 0 || now > maxTimestamp) {
    throw new RangeError(`timestamp must be an integer in [0, 2^48): ${now}`);
  }
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes.subarray(6));
  // 2^48 exceeds the 32-bit range of bitwise operators, so split the timestamp arithmetically.
  let ts = now;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ts % 256;
    ts = Math.floor(ts / 256);
  }
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The creation time (ms since the epoch) encoded in a UUIDv7, for diagnostics and tests. */
export function messageIdTime(uuidV7: string): number {
  return Number.parseInt(uuidV7.replace(/-/g, "").slice(0, 12), 16);
}
