import { describe, expect, it } from "vitest";
import { bordeauxLoop } from "../../../../apps/sim/drive/bordeaux-route.ts";
import { type DriveSample, drive } from "../../../../apps/sim/drive/drive-generator.ts";
import { encodeEpoch } from "../../../../apps/sim/drive/nmea-encoder.ts";
import { frameSentence } from "../../../../src/contracts/nmea-framing.ts";
import type { Fix } from "../../../../src/domain/gnss/fix.ts";
import { GnssPipeline } from "../../../../src/io/gnss/gnss-pipeline.ts";

function run(pipeline: GnssPipeline, lines: string[], t0 = 1_000): Fix[] {
  const fixes: Fix[] = [];
  lines.forEach((line, i) => {
    fixes.push(...pipeline.push(line, t0 + i));
  });
  return [...fixes, ...pipeline.flush()];
}

const rmc = (time: string, date: string, lat = "4450.48940") =>
  frameSentence(`GPRMC,${time},A,${lat},N,00034.21200,W,10.0,90.0,${date},,,A`);
const gga = (time: string, quality = 1, lat = "4450.48940") =>
  frameSentence(`GPGGA,${time},${lat},N,00034.21200,W,${quality},09,0.9,12.5,M,49.5,M,,`);

describe("GNSS pipeline", () => {
  it("decodes the simulated 10 Hz multi-GNSS stream into one fix per epoch at the simulated positions", () => {
    const start = Date.parse("2026-11-23T21:00:00Z");
    const samples: DriveSample[] = [...drive({ route: bordeauxLoop, start, rateHz: 10, durationS: 60 })];
    const pipeline = new GnssPipeline({ referenceDate: "2026-01-01" });
    const fixes = run(
      pipeline,
      samples.flatMap((s) => encodeEpoch(s, "multi")),
    );
    expect(fixes).toHaveLength(samples.length);
    fixes.forEach((fix, i) => {
      const sample = samples[i] as DriveSample;
      expect(fix.fixTime).toBe(new Date(sample.time).toISOString());
      expect(Math.abs(fix.lat - sample.lat)).toBeLessThan(1e-6);
      expect(Math.abs(fix.lon - sample.lon)).toBeLessThan(1e-6);
      expect(fix.fix).toBe("3d");
      expect(fix.sats).toBe(19);
    });
    expect(pipeline.satellites()).toEqual({ used: 19, inView: { GPS: 9, GLONASS: 5, Galileo: 5 } });
    expect(pipeline.counts()["fix.accepted"]).toBe(samples.length);
  });

  it("sends nothing while the simulated car is in a tunnel, and counts those cycles as no fix", () => {
    const start = Date.parse("2026-11-23T21:00:00Z");
    const samples = [
      ...drive({ route: bordeauxLoop, start, rateHz: 1, durationS: 30, outages: [{ fromS: 10, toS: 20 }] }),
    ];
    const pipeline = new GnssPipeline();
    const fixes = run(
      pipeline,
      samples.flatMap((s) => encodeEpoch(s, "gps")),
    );
    expect(fixes).toHaveLength(20);
    expect(pipeline.counts()["fix.rejected.no_fix"]).toBe(10);
  });

  it("keeps the day across midnight: 23:59:59.5 stays on the RMC's day, 00:00:00.5 is the next", () => {
    const pipeline = new GnssPipeline({ referenceDate: "2026-01-01" });
    const fixes = run(pipeline, [
      rmc("235959.00", "231126"),
      gga("235959.00"),
      gga("235959.50"),
      gga("000000.50"),
      gga("000001.00"),
    ]);
    expect(fixes.map((f) => f.fixTime)).toEqual([
      "2026-11-23T23:59:59.000Z",
      "2026-11-23T23:59:59.500Z",
      "2026-11-24T00:00:00.500Z",
      "2026-11-24T00:00:01.000Z",
    ]);
  });

  it("drops a simulated fix and counts it", () => {
    const pipeline = new GnssPipeline();
    const fixes = run(pipeline, [
      rmc("120000", "231126"),
      gga("120000", 8),
      rmc("120001", "231126"),
      gga("120001", 1),
    ]);
    expect(fixes.map((f) => f.fixTime)).toEqual(["2026-11-23T12:00:01.000Z"]);
    expect(pipeline.counts()["fix.rejected.simulated"]).toBe(1);
  });

  it("drops a jump and a stale fix, counting each by reason", () => {
    const pipeline = new GnssPipeline({ maxSpeedKmh: 250 });
    const fixes = run(pipeline, [
      rmc("120000", "231126"),
      rmc("120001", "231126", "4451.48940"), // 1.85 km in 1 s
      rmc("115959", "231126"), // older than the last accepted fix
      rmc("120002", "231126"),
    ]);
    expect(fixes.map((f) => f.fixTime)).toEqual(["2026-11-23T12:00:00.000Z", "2026-11-23T12:00:02.000Z"]);
    expect(pipeline.counts()).toMatchObject({
      "fix.rejected.jump": 1,
      "fix.rejected.stale": 1,
      "fix.accepted": 2,
    });
  });

  it("recovers the sentences of a line where one sentence was spliced into another", () => {
    const pipeline = new GnssPipeline({ referenceDate: "2026-01-01" });
    const spliced = `$GPGGA,120000${rmc("120000", "231126")}`;
    const fixes = run(pipeline, [spliced, gga("120001")]);
    expect(fixes.map((f) => f.fixTime)).toEqual(["2026-11-23T12:00:00.000Z", "2026-11-23T12:00:01.000Z"]);
    expect(pipeline.counts()).toMatchObject({ "frame.no_checksum": 1, "sentence.ok": 2 });
  });

  it("counts each outcome under its own key", () => {
    const pipeline = new GnssPipeline();
    run(pipeline, [
      rmc("120000", "231126").replace(/\*..$/, "*00"),
      "$GPRMC,120000,A",
      `$GPGGA,${"1,".repeat(70)}*00`,
      frameSentence("GPTXT,01,01,02,ANTSTATUS=OK"),
      frameSentence("PUBX,00,081350.00"),
      "!AIVDM,1,1,,B,13aGra0P00PHid>NK9<2FOvHR624,0*3E",
      frameSentence("GPRMC,123519"),
      "garbage",
    ]);
    expect(pipeline.counts()).toEqual({
      "frame.bad_checksum": 1,
      "frame.no_checksum": 1,
      "frame.too_long": 1,
      "sentence.unknown": 1,
      "sentence.proprietary": 1,
      "sentence.ais": 1,
      "parse.error": 1,
      "frame.no_start": 1,
    });
  });

  it("remembers when the last framed sentence arrived, whatever its type", () => {
    const pipeline = new GnssPipeline();
    expect(pipeline.lastSentenceAt()).toBeNull();
    pipeline.push(frameSentence("GPTXT,01,01,02,ANTSTATUS=OK"), 5_000);
    pipeline.push("$GPRMC,broken*00", 6_000);
    expect(pipeline.lastSentenceAt()).toBe(5_000);
  });

  it("never throws on hostile lines", () => {
    const pipeline = new GnssPipeline();
    const hostile = [
      "",
      "\u0000".repeat(256),
      "\u001b[2J\u001b[H$GPRMC",
      "$".repeat(256),
      "!".repeat(256),
      "*".repeat(256),
      "$*00",
      "x*00",
      "|".repeat(256),
      "\u00ff".repeat(256),
      "$GPGGA,,,,,,,,,,,,,,*56",
      "a".repeat(100_000),
    ];
    for (const line of hostile) expect(() => pipeline.push(line, 0)).not.toThrow();
    expect(() => pipeline.push(undefined as unknown as string, 0)).not.toThrow();
  });

  it("refuses a malformed reference date at construction", () => {
    expect(() => new GnssPipeline({ referenceDate: "23/11/2026" })).toThrow(RangeError);
  });
});

describe("a receiver that sends no date (an echo sounder's GLL only)", () => {
  const gll = (time: string, lat = "5119.881") => frameSentence(`ECGLL,${lat},N,00125.169,E,${time},A,D`);
  const times = Array.from({ length: 30 }, (_, i) => {
    const s = 23 * 3600 + 59 * 60 + 50 + 2 * i; // from 23:59:50, every 2 s, across midnight
    const hh = String(Math.floor(s / 3600) % 24).padStart(2, "0");
    const mm = String(Math.floor(s / 60) % 60).padStart(2, "0");
    return `${hh}${mm}${String(s % 60).padStart(2, "0")}`;
  });

  it("is rejected as no_date without a capture date: the clock never dates a fix", () => {
    const pipeline = new GnssPipeline({ referenceDate: "2026-01-01" });
    expect(
      run(
        pipeline,
        times.map((t) => gll(t)),
      ),
    ).toHaveLength(0);
    expect(pipeline.counts()["fix.rejected.no_date"]).toBe(30);
  });

  it("is dated from the capture's date, rolled over midnight, once it is clear no date will come", () => {
    const pipeline = new GnssPipeline({ referenceDate: "2012-01-19", captureDate: "2012-01-19" });
    const fixes = run(
      pipeline,
      times.map((t) => gll(t)),
    );
    expect(fixes).toHaveLength(30);
    expect(fixes[0]?.fixTime).toBe("2012-01-19T23:59:50.000Z");
    expect(fixes[5]?.fixTime).toBe("2012-01-20T00:00:00.000Z");
    expect(fixes[29]?.fixTime).toBe("2012-01-20T00:00:48.000Z");
  });

  it("dates a short capture at its end, from the capture's date", () => {
    const pipeline = new GnssPipeline({ referenceDate: "2012-01-19", captureDate: "2012-01-19" });
    const fixes = run(
      pipeline,
      times.slice(0, 3).map((t) => gll(t)),
    );
    expect(fixes.map((f) => f.fixTime)).toEqual([
      "2012-01-19T23:59:50.000Z",
      "2012-01-19T23:59:52.000Z",
      "2012-01-19T23:59:54.000Z",
    ]);
  });

  it("still takes the receiver's own date when one comes within the held cycles", () => {
    const pipeline = new GnssPipeline({ referenceDate: "2012-01-19", captureDate: "2012-01-19" });
    const fixes = run(pipeline, [
      gga("120000.00"),
      gga("120001.00"),
      rmc("120002.00", "150326"),
      gga("120002.00"),
    ]);
    expect(fixes.map((f) => f.fixTime)).toEqual([
      "2026-03-15T12:00:00.000Z",
      "2026-03-15T12:00:01.000Z",
      "2026-03-15T12:00:02.000Z",
    ]);
  });

  it("refuses a malformed capture date", () => {
    expect(() => new GnssPipeline({ captureDate: "19/01/2012" })).toThrow(/captureDate/);
  });
});
