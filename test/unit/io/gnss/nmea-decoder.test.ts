import { describe, expect, it } from "vitest";
import { frameSentence } from "../../../../src/contracts/nmea-framing.ts";
import { type DecodeOutcome, decodeFrame } from "../../../../src/io/gnss/nmea-decoder.ts";
import { checkFrame } from "../../../../src/io/gnss/nmea-frame.ts";

function decode(body: string): DecodeOutcome {
  const verdict = checkFrame(frameSentence(body));
  if (!verdict.ok) throw new Error(`test sentence did not frame: ${verdict.reason}`);
  return decodeFrame(verdict.frame);
}

function sentence(body: string) {
  const outcome = decode(body);
  if (outcome.kind !== "sentence") throw new Error(`expected a sentence, got ${outcome.kind}`);
  return outcome.sentence;
}

const at = (hh: number, mm: number, ss: number, ms = 0) => ((hh * 60 + mm) * 60 + ss) * 1000 + ms;
const hasNegativeZero = (value: unknown): boolean =>
  Object.is(value, -0) ||
  (typeof value === "object" && value !== null && Object.values(value).some((v) => hasNegativeZero(v)));

describe("NMEA decoder", () => {
  it("decodes RMC keeping its milliseconds, which nmea-simple drops", () => {
    expect(sentence("GNRMC,101010.25,A,4450.48940,N,00034.21200,W,12.50,270.5,231126,,,D")).toEqual({
      type: "RMC",
      talker: "GN",
      timeOfDayMs: at(10, 10, 10, 250),
      status: "A",
      lat: 44 + 50.4894 / 60,
      lon: -(34.212 / 60),
      speedKnots: 12.5,
      courseTrue: 270.5,
      date: { day: 23, month: 11, year: 26, twoDigitYear: true },
      mode: "D",
    });
  });

  it("decodes a no-fix RMC into nulls, never an Invalid Date, 0 or -0", () => {
    const rmc = sentence("GPRMC,,V,,,,,,,,,,N");
    expect(rmc).toMatchObject({
      timeOfDayMs: null,
      status: "V",
      lat: null,
      lon: null,
      speedKnots: null,
      date: null,
    });
    expect(hasNegativeZero(rmc)).toBe(false);
  });

  it("takes GGA's time of day from the raw field, not from nmea-simple's system-clock Date", () => {
    expect(sentence("GPGGA,235959.50,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,")).toMatchObject({
      type: "GGA",
      timeOfDayMs: at(23, 59, 59, 500),
      quality: 1,
      satsUsed: 8,
      hdop: 0.9,
      altMsl: 545.4,
    });
  });

  it("decodes a no-fix GGA with empty fields into nulls, not -0 and 1970", () => {
    const gga = sentence("GPGGA,,,,,,0,00,99.99,,,,,,");
    expect(gga).toMatchObject({
      timeOfDayMs: null,
      lat: null,
      lon: null,
      quality: 0,
      satsUsed: 0,
      altMsl: null,
    });
    expect(hasNegativeZero(gga)).toBe(false);
    expect(sentence("GPGGA,120000,,,,,,,,,,,,,")).toMatchObject({
      quality: null,
      satsUsed: null,
      hdop: null,
    });
  });

  it("keeps the GGA quality codes 0 to 8, including simulation", () => {
    expect(sentence("GPGGA,125106,3854.5087,N,07726.4523,W,8,10,2.0,268.8,M,-33.9,M,,")).toMatchObject({
      quality: 8,
    });
    expect(sentence("GPGGA,125106,3854.5087,N,07726.4523,W,6,00,,268.8,M,-33.9,M,,")).toMatchObject({
      quality: 6,
    });
  });

  it("refuses a coordinate with a missing hemisphere or 60 minutes rather than guess", () => {
    expect(sentence("GPGGA,120000,4807.038,,01131.000,E,1,08,0.9,545.4,M,46.9,M,,")).toMatchObject({
      lat: null,
    });
    expect(sentence("GPGGA,120000,8960.000000,N,00000.0000,E,0,0,,137.0,M,13.0,M,,")).toMatchObject({
      lat: null,
    });
  });

  it("reads the NMEA 4.10 GN-GSA system id that nmea-simple ignores", () => {
    expect(sentence("GNGSA,A,3,66,67,76,77,82,,,,,,,,1.6,0.9,1.3,2")).toEqual({
      type: "GSA",
      talker: "GN",
      selection: "A",
      mode: 3,
      prns: [66, 67, 76, 77, 82],
      pdop: 1.6,
      hdop: 0.9,
      vdop: 1.3,
      systemId: 2,
    });
    expect(sentence("GPGSA,A,1,,,,,,,,,,,,,,,")).toMatchObject({
      mode: 1,
      prns: [],
      pdop: null,
      systemId: null,
    });
  });

  it("finds GSA's DOPs after more than 12 PRN slots", () => {
    expect(sentence("GPGSA,A,3,23,13,07,25,,,,,,,,,,,,,,,,,,,,,09.2,07.2,05.7")).toMatchObject({
      prns: [23, 13, 7, 25],
      pdop: 9.2,
      hdop: 7.2,
      vdop: 5.7,
    });
  });

  it("reads a GSV's NMEA 4.10 signal id instead of making a phantom satellite of it", () => {
    const gsv = sentence("GPGSV,3,3,09,29,44,107,42,1");
    expect(gsv).toEqual({
      type: "GSV",
      talker: "GP",
      pages: 3,
      page: 3,
      inView: 9,
      satellites: [{ prn: 29, elevation: 44, azimuth: 107, snr: 42 }],
      signalId: 1,
    });
    expect(sentence("GPGSV,3,2,12,02,56,323,,04,41,024,,12,31,317,,17,31,085,")).toMatchObject({
      signalId: null,
      satellites: [
        { prn: 2, snr: null },
        { prn: 4, snr: null },
        { prn: 12, snr: null },
        { prn: 17, snr: null },
      ],
    });
  });

  it("decodes VTG, GLL, ZDA and GNS", () => {
    expect(sentence("GPVTG,230.5,T,229.1,M,5.6,N,10.4,K,A")).toMatchObject({
      courseTrue: 230.5,
      speedKnots: 5.6,
    });
    expect(sentence("GPVTG,054.7,034.4,005.5,010.2")).toMatchObject({ courseTrue: 54.7, speedKnots: 5.5 });
    expect(sentence("GPVTG,,T,,M,,N,,K,N")).toMatchObject({ courseTrue: null, speedKnots: null, mode: "N" });
    expect(sentence("GPGLL,5251.0093,N,00518.8170,E,094736,A,A")).toMatchObject({
      timeOfDayMs: at(9, 47, 36),
      status: "A",
      mode: "A",
    });
    expect(sentence("GNZDA,101010.20,23,11,2026,00,00")).toMatchObject({
      timeOfDayMs: at(10, 10, 10, 200),
      date: { day: 23, month: 11, year: 2026, twoDigitYear: false },
    });
    expect(
      sentence("GNGNS,213712.000,4111.59903,N,11156.54809,W,AANN,13,0.93,01482.5,-016.5,,"),
    ).toMatchObject({
      modes: "AANN",
      satsUsed: 13,
      altMsl: 1482.5,
    });
  });

  it("accepts every talker: GP, GN, GL, GA, GB, BD, QZ, GI", () => {
    for (const talker of ["GP", "GN", "GL", "GA", "GB", "BD", "QZ", "GI"]) {
      expect(sentence(`${talker}GGA,120000,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,`).talker).toBe(
        talker,
      );
    }
  });

  it("reads the Telit `-1` year written after the 2019 week roll-over as 99", () => {
    expect(sentence("GPRMC,000231.099,A,4829.0005,N,00022.0015,E,0.15,212.28,2208-1,,,A")).toMatchObject({
      date: { day: 22, month: 8, year: 99, twoDigitYear: true },
      timeOfDayMs: at(0, 2, 31, 99),
    });
  });

  it("counts unknown and proprietary sentences instead of decoding them", () => {
    expect(decode("GPTXT,01,01,02,ANTSTATUS=OK").kind).toBe("unknown");
    expect(decode("SDDBT,7.7,f,2.3,M,1.3,F").kind).toBe("unknown");
    expect(decode("PUBX,00,081350.00,4717.113210,N").kind).toBe("proprietary");
    expect(decode("PGRME,15.0,M,45.0,M,25.0,M").kind).toBe("proprietary");
  });

  it("turns a short sentence with a valid checksum into an error, not a TypeError", () => {
    expect(decode("GPRMC,123519")).toMatchObject({ kind: "error" });
    expect(decode("GPGGA,123519,4807.038")).toMatchObject({ kind: "error" });
    expect(decode("GPGSA,A")).toMatchObject({ kind: "error" });
  });
});
