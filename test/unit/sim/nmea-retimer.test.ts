import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NmeaRetimer } from "../../../apps/sim/nmea-retimer.ts";
import { GnssPipeline } from "../../../src/io/gnss/gnss-pipeline.ts";

const recording = readFileSync(
  join(import.meta.dirname, "../../../apps/sim/recordings/bordeaux-night.nmea"),
  "latin1",
)
  .split(/\r?\n/)
  .filter((line) => line.startsWith("$"));

function decode(lines: readonly string[]) {
  const pipeline = new GnssPipeline();
  const fixes = lines.flatMap((line, i) => pipeline.push(line, i));
  return { fixes: [...fixes, ...pipeline.flush()], counts: pipeline.counts() };
}

describe("moving a recorded drive to the present", () => {
  const now = Date.parse("2027-03-14T08:30:00.000Z");

  it("shifts every fix by the same whole number of seconds, first fix at now, checksums valid", () => {
    const original = decode(recording.slice(0, 200));
    const retimer = new NmeaRetimer(() => now + 400);
    const moved = decode(recording.slice(0, 200).map((line) => retimer.retime(line)));
    expect(moved.counts["frame.bad_checksum"] ?? 0).toBe(0);
    expect(moved.fixes).toHaveLength(original.fixes.length);
    expect(moved.fixes[0]?.fixTime).toBe(new Date(now).toISOString());
    const shift = Date.parse(moved.fixes[0]?.fixTime ?? "") - Date.parse(original.fixes[0]?.fixTime ?? "");
    moved.fixes.forEach((fix, i) => {
      const before = original.fixes[i];
      expect(Date.parse(fix.fixTime) - Date.parse(before?.fixTime ?? "")).toBe(shift);
      expect([fix.lat, fix.lon, fix.sats]).toEqual([before?.lat, before?.lon, before?.sats]);
    });
  });

  it("crosses midnight and the new year with the dates of RMC and ZDA", () => {
    const retimer = new NmeaRetimer(() => Date.parse("2026-12-31T23:59:59.000Z"));
    expect(retimer.retime("$GPRMC,210000.00,A,4450.49013,N,00034.21166,W,3.50,23.3,231126,,,A*41")).toMatch(
      /^\$GPRMC,235959\.00,A,4450\.49013,N,00034\.21166,W,3\.50,23\.3,311226,,,A\*[0-9A-F]{2}$/,
    );
    const rmc = retimer.retime("$GPRMC,210001.00,A,4450.49208,N,00034.21047,W,7.00,23.3,231126,,,A*4B");
    expect(rmc.split(",").slice(0, 2)).toEqual(["$GPRMC", "000000.00"]);
    expect(rmc.split(",")[9]).toBe("010127");
    expect(
      retimer.retime("$GPZDA,210001.00,23,11,2026,00,00*00").startsWith("$GPZDA,000000.00,01,01,2027,"),
    ).toBe(true);
    expect(retimer.retime("$GPGGA,210001.00,4450.49208,N,00034.21047,W,1,09,0.9,12.5,M,49.5,M,,*00")).toMatch(
      /^\$GPGGA,000000\.00,/,
    );
  });

  it("continues a looped recording one second after the last time sent", () => {
    const retimer = new NmeaRetimer(() => Date.parse("2027-03-14T08:30:00.000Z"));
    retimer.retime("$GPRMC,210000.00,A,4450.49013,N,00034.21166,W,3.50,23.3,231126,,,A*41");
    retimer.retime("$GPRMC,213000.00,A,4450.49013,N,00034.21166,W,3.50,23.3,231126,,,A*41");
    const looped = retimer.retime("$GPRMC,210000.00,A,4450.49013,N,00034.21166,W,3.50,23.3,231126,,,A*41");
    expect(looped.split(",")[1]).toBe("090001.00");
  });

  it("leaves other sentences, and anything before the first dated sentence, as they are", () => {
    const retimer = new NmeaRetimer(() => 0);
    const gga = "$GPGGA,210000.00,4450.49013,N,00034.21166,W,1,09,0.9,12.5,M,49.5,M,,*7A";
    expect(retimer.retime(gga)).toBe(gga);
    expect(retimer.retime("$GPGSA,A,3,01,02,,,,,,,,,,,1.2,0.9,0.8*3A")).toBe(
      "$GPGSA,A,3,01,02,,,,,,,,,,,1.2,0.9,0.8*3A",
    );
    expect(retimer.retime("garbage")).toBe("garbage");
  });
});
