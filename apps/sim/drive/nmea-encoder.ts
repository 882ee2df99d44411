/**
 * Writes what a real receiver writes for one epoch. Two flavours:
 *  - "gps": a 1 Hz consumer receiver (GPRMC, GPGGA, GPGSA, GPGSV, GPVTG), NMEA 3.0;
 *  - "multi": a 10 Hz automotive multi-GNSS receiver (GN talker, one GSA per system with the
 *    NMEA 4.10 system id, GSV per constellation, GNVTG and GNZDA).
 * Field layouts follow NMEA 0183 v4.10 as summarised in gpsd's "NMEA Revealed".
 */
import { frameSentence } from "../../../src/contracts/nmea-framing.ts";
import type { DriveSample } from "./drive-generator.ts";

export type ReceiverFlavour = "gps" | "multi";

const pad = (n: number, width: number) => String(Math.trunc(n)).padStart(width, "0");

function nmeaTime(date: Date): string {
  const hundredths = Math.floor(date.getUTCMilliseconds() / 10);
  return `${pad(date.getUTCHours(), 2)}${pad(date.getUTCMinutes(), 2)}${pad(date.getUTCSeconds(), 2)}.${pad(hundredths, 2)}`;
}

function nmeaDate(date: Date): string {
  return `${pad(date.getUTCDate(), 2)}${pad(date.getUTCMonth() + 1, 2)}${pad(date.getUTCFullYear() % 100, 2)}`;
}

function coordinate(value: number, degreeDigits: number, hemispheres: [string, string]): [string, string] {
  const abs = Math.abs(value);
  const degrees = Math.floor(abs);
  const minutes = (abs - degrees) * 60;
  const text = `${pad(degrees, degreeDigits)}${minutes.toFixed(5).padStart(8, "0")}`;
  return [text, value >= 0 ? hemispheres[0] : hemispheres[1]];
}

interface Constellation {
  talker: string;
  systemId: number;
  prns: number[];
}

const constellations: Constellation[] = [
  { talker: "GP", systemId: 1, prns: [2, 5, 7, 13, 15, 18, 20, 24, 29] },
  { talker: "GL", systemId: 2, prns: [66, 67, 76, 77, 82] },
  { talker: "GA", systemId: 3, prns: [4, 9, 11, 19, 36] },
];

function gsv(talker: string, prns: number[], epochSecond: number): string[] {
  const pages = Math.max(1, Math.ceil(prns.length / 4));
  const out: string[] = [];
  for (let page = 0; page < pages; page++) {
    const sats = prns.slice(page * 4, page * 4 + 4).map((prn, k) => {
      const elevation = 15 + ((prn * 7 + k * 11) % 70);
      const azimuth = (prn * 37 + Math.floor(epochSecond / 60)) % 360;
      const snr = 28 + ((prn * 13 + epochSecond) % 18);
      return `${pad(prn, 2)},${pad(elevation, 2)},${pad(azimuth, 3)},${pad(snr, 2)}`;
    });
    out.push(frameSentence(`${talker}GSV,${pages},${page + 1},${pad(prns.length, 2)},${sats.join(",")}`));
  }
  return out;
}

/** The sentences of one receiver epoch, in the order receivers send them. */
export function encodeEpoch(sample: DriveSample, flavour: ReceiverFlavour): string[] {
  const date = new Date(sample.time);
  const time = nmeaTime(date);
  const [lat, ns] = coordinate(sample.lat, 2, ["N", "S"]);
  const [lon, ew] = coordinate(sample.lon, 3, ["E", "W"]);
  const knots = (sample.speed * 3600) / 1852;
  const course = sample.heading.toFixed(1);
  const talker = flavour === "multi" ? "GN" : "GP";
  const used = flavour === "multi" ? constellations : constellations.slice(0, 1);
  const satsUsed = used.reduce((n, c) => n + c.prns.length, 0);
  const epochSecond = Math.floor(sample.time / 1000);
  const out: string[] = [];
  if (sample.hasFix) {
    out.push(
      frameSentence(
        `${talker}RMC,${time},A,${lat},${ns},${lon},${ew},${knots.toFixed(2)},${course},${nmeaDate(date)},,,A`,
      ),
    );
    out.push(
      frameSentence(
        `${talker}GGA,${time},${lat},${ns},${lon},${ew},1,${pad(satsUsed, 2)},0.9,${sample.alt.toFixed(1)},M,49.5,M,,`,
      ),
    );
  } else {
    out.push(frameSentence(`${talker}RMC,${time},V,,,,,,,${nmeaDate(date)},,,N`));
    out.push(frameSentence(`${talker}GGA,${time},,,,,0,00,99.99,,,,,,`));
  }
  for (const c of used) {
    const ids = sample.hasFix ? c.prns.map((p) => pad(p, 2)) : [];
    const fields = [...ids, ...Array(12 - ids.length).fill("")].slice(0, 12).join(",");
    const systemId = flavour === "multi" ? `,${c.systemId}` : "";
    out.push(frameSentence(`${talker}GSA,A,${sample.hasFix ? 3 : 1},${fields},1.6,0.9,1.3${systemId}`));
  }
  // GSV is sent once per second even by 10 Hz receivers: it changes slowly and is long.
  if (sample.time % 1000 === 0) for (const c of used) out.push(...gsv(c.talker, c.prns, epochSecond));
  if (sample.hasFix) {
    out.push(
      frameSentence(
        `${talker}VTG,${course},T,,M,${knots.toFixed(2)},N,${(sample.speed * 3.6).toFixed(2)},K,A`,
      ),
    );
  }
  if (flavour === "multi") {
    out.push(
      frameSentence(
        `GNZDA,${time},${pad(date.getUTCDate(), 2)},${pad(date.getUTCMonth() + 1, 2)},${date.getUTCFullYear()},00,00`,
      ),
    );
  }
  return out;
}
