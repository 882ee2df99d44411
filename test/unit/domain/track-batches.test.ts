/**
 * Backfill planning against the real contract: every planned batch, wrapped in a real `track`
 * envelope and checked by its schema, is at most 500 points and at most 64 KiB of JSON.
 */
import { describe, expect, it } from "vitest";
import { maxPayloadBytes } from "../../../src/contracts/fields.ts";
import { newMessageId } from "../../../src/contracts/message-id.ts";
import { decodeMessage, trackMessage } from "../../../src/contracts/messages.ts";
import { trackBatchLimits } from "../../../src/contracts/reporting-policy.ts";
import { maxTrackPoints } from "../../../src/contracts/telemetry.ts";
import type { Fix } from "../../../src/domain/gnss/fix.ts";
import { jsonBytes, planTrackBatches, utf8Length } from "../../../src/domain/track-batches.ts";

const t0 = Date.UTC(2026, 10, 23, 21, 0, 0);

/** A fix with every field, with full-precision numbers as the decoder produces them (~140+ bytes). */
function fullFix(i: number): Fix {
  return {
    fixTime: new Date(t0 + i * 1000).toISOString(),
    lat: 44.84149333333333 + i * 1.1e-7,
    lon: -0.5702083333333333 - i * 1.3e-7,
    alt: 12.345678901 + (i % 7),
    speed: 13.888888888888889,
    heading: 123.45678901234567,
    fix: "dgps",
    sats: 12,
    hdop: 0.87,
  };
}

/** The smallest fix the contract allows (~75 bytes). */
function bareFix(i: number): Fix {
  return { fixTime: new Date(t0 + i * 1000).toISOString(), lat: 44.8, lon: -0.6, fix: "2d" };
}

interface Row {
  id: number;
  fix: Fix;
}

const rows = (count: number, make: (i: number) => Fix): Row[] =>
  Array.from({ length: count }, (_, i) => ({ id: 1000 + i, fix: make(i) }));

/** The real envelope the dispatch link would publish for a batch. */
function envelopeOf(points: Fix[], seq: number): string {
  const message = trackMessage.parse({
    v: 1,
    id: newMessageId(t0),
    type: "track",
    ts: new Date(t0).toISOString(),
    src: "BDX-07",
    seq,
    body: { points },
  });
  return JSON.stringify(message);
}

const limits = trackBatchLimits("BDX-07");

describe("planTrackBatches", () => {
  it("plans nothing for an empty track", () => {
    expect(planTrackBatches([], (row: Row) => row.fix, limits)).toEqual([]);
  });

  it("closes batches at 500 points when the points are small", () => {
    const batches = planTrackBatches(rows(1200, bareFix), (row) => row.fix, limits);
    expect(batches.map((b) => b.entries.length)).toEqual([500, 500, 200]);
  });

  it("closes batches at 64 KiB first when every point has every field", () => {
    expect(jsonBytes(fullFix(0))).toBeGreaterThan(140);
    const input = rows(1200, fullFix);
    const batches = planTrackBatches(input, (row) => row.fix, limits);
    expect(batches.length).toBeGreaterThan(2);
    for (const [i, batch] of batches.entries()) {
      expect(batch.entries.length).toBeLessThan(maxTrackPoints);
      const json = envelopeOf(
        batch.entries.map((row) => row.fix),
        1_000_000 + i,
      );
      expect(Buffer.byteLength(json)).toBeLessThanOrEqual(maxPayloadBytes);
      // The receiver's own size check and schema accept it.
      expect(decodeMessage(trackMessage, json).ok).toBe(true);
    }
    // Tight: each full batch would break the limit with one more point.
    for (const [i, batch] of batches.slice(0, -1).entries()) {
      const next = batches[i + 1]?.entries[0] as Row;
      expect(batch.bytes + 1 + jsonBytes(next.fix)).toBeGreaterThan(maxPayloadBytes);
    }
  });

  it("keeps every point once, in order, with the caller's entries", () => {
    const input = rows(1234, (i) => (i % 3 === 0 ? fullFix(i) : bareFix(i)));
    const batches = planTrackBatches(input, (row) => row.fix, limits);
    expect(batches.flatMap((b) => b.entries)).toEqual(input);
    expect(batches.flatMap((b) => b.entries.map((row) => row.id))).toEqual(input.map((row) => row.id));
  });

  it("states the exact size of the worst-case envelope, and real envelopes are no larger", () => {
    const input = rows(300, fullFix);
    const [batch] = planTrackBatches(input, (row) => row.fix, limits);
    if (batch === undefined) throw new Error("expected one batch");
    const points = batch.entries.map((row) => row.fix);
    // Worst case: a 36-character UUIDv7 id and the largest seq, as trackBatchLimits assumes.
    expect(Buffer.byteLength(envelopeOf(points, Number.MAX_SAFE_INTEGER))).toBe(batch.bytes);
    expect(Buffer.byteLength(envelopeOf(points, 1))).toBeLessThan(batch.bytes);
  });

  it("takes a point that fills the envelope exactly, and no byte more", () => {
    const point = bareFix(0);
    const exact = { maxPoints: 500, envelopeBytes: 100, maxBytes: 100 + 2 * jsonBytes(point) + 1 };
    expect(planTrackBatches([point, point, point], (p) => p, exact).map((b) => b.entries.length)).toEqual([
      2, 1,
    ]);
    const oneShort = { ...exact, maxBytes: exact.maxBytes - 1 };
    expect(planTrackBatches([point, point, point], (p) => p, oneShort).map((b) => b.entries.length)).toEqual([
      1, 1, 1,
    ]);
  });

  it("refuses limits that cannot hold a single point, rather than dropping it", () => {
    const tiny = { maxPoints: 500, envelopeBytes: 100, maxBytes: 120 };
    expect(() => planTrackBatches([bareFix(0)], (p) => p, tiny)).toThrow(RangeError);
    expect(() => planTrackBatches([bareFix(0)], (p) => p, { ...limits, maxPoints: 0 })).toThrow(RangeError);
  });
});

describe("trackBatchLimits", () => {
  it("uses the protocol's limits: 500 points and 64 KiB", () => {
    expect(limits.maxPoints).toBe(500);
    expect(limits.maxBytes).toBe(65_536);
  });

  it("grows with the vehicle id", () => {
    expect(trackBatchLimits("BDX-0007").envelopeBytes - limits.envelopeBytes).toBe(2);
  });
});

describe("utf8Length", () => {
  it("counts the bytes UTF-8 gives, as Buffer does", () => {
    for (const text of ["", "abc", "é", "€", "😀", "Renfort SMUR demandé", "a\ud800b", "\udc00", "\ud83d"]) {
      expect(utf8Length(text)).toBe(Buffer.byteLength(text, "utf8"));
    }
  });
});
