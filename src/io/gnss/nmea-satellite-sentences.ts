/**
 * Satellite sentences: GSA (satellites used, DOPs, 2D/3D) and GSV (satellites in view). One pure
 * function per sentence with its field table (NMEA 0183 v4.10, gpsd's "NMEA Revealed").
 *
 * nmea-simple's GSA gives the selection, the fix mode and the used PRNs for the standard 12 slots,
 * but ignores the NMEA 4.10 system id (so a GN-GSA cannot be told apart per constellation) and reads
 * empty DOPs as 0; its GSV reads an NMEA 4.10 signal id as a phantom satellite full of NaN and
 * empty elevations and SNRs as 0 (PITFALLS.md). Those parts are read from the raw fields here.
 */
import type { GSAPacket } from "nmea-simple";
import type { GsaSentence, GsvSentence, SatelliteInView } from "../../domain/gnss/sentences.ts";
import { integer, nonNegative } from "./nmea-fields.ts";

const gsaModes: Record<GSAPacket["fixMode"], 1 | 2 | 3 | null> = { unknown: null, none: 1, "2D": 2, "3D": 3 };

/**
 * GSA — DOP and active satellites.
 * | #     | field                         | notes                                        |
 * |-------|-------------------------------|----------------------------------------------|
 * | 1     | selection A/M                 |                                              |
 * | 2     | mode 1 none, 2 2D, 3 3D       |                                              |
 * | 3-14  | PRNs used (12 slots)          | some receivers send more slots: see below    |
 * | 15    | PDOP | 16 | HDOP | 17 | VDOP |                                              |
 * | 18    | system id (NMEA 4.10)         | 1 GPS 2 GLONASS 3 Galileo 4 BeiDou 5 QZSS 6 NavIC |
 * The DOPs are located from the end (the three fields before the optional system id), so that a
 * receiver sending more than 12 PRN slots still gets the right DOPs.
 */
export function decodeGsa(talker: string, f: readonly string[], packet: GSAPacket): GsaSentence {
  const n = f.length;
  const hasSystemId = n === 19 || (n > 19 && /^[0-9A-F]$/.test(f[n - 1] ?? ""));
  const dopStart = hasSystemId ? n - 4 : n - 3;
  const prns: number[] = [];
  for (let i = 3; i < dopStart; i++) {
    const prn = integer(f[i]);
    if (prn !== null && prn > 0) prns.push(prn);
  }
  const systemId = hasSystemId ? Number.parseInt(f[n - 1] ?? "", 16) : Number.NaN;
  return {
    type: "GSA",
    talker,
    selection: f[1] === "A" || f[1] === "M" ? f[1] : null,
    mode: f[2] === "" ? null : (gsaModes[packet.fixMode] ?? null),
    prns,
    pdop: nonNegative(f[dopStart]),
    hdop: nonNegative(f[dopStart + 1]),
    vdop: nonNegative(f[dopStart + 2]),
    systemId: Number.isInteger(systemId) ? systemId : null,
  };
}

/**
 * GSV — satellites in view (one page of up to four).
 * | #   | field                         | notes                                      |
 * |-----|-------------------------------|--------------------------------------------|
 * | 1   | number of pages               |                                            |
 * | 2   | page number                   |                                            |
 * | 3   | satellites in view            | total over all pages, for this talker      |
 * | 4-7 | PRN, elevation °, azimuth °, SNR dB-Hz | repeated up to four times; empty SNR = not tracked |
 * | last| signal id (NMEA 4.10)         | present when (fields - 4) % 4 == 1         |
 */
export function decodeGsv(talker: string, f: readonly string[]): GsvSentence {
  const satelliteFields = f.length - 4;
  const hasSignalId = satelliteFields % 4 === 1;
  const groups = Math.floor(satelliteFields / 4);
  const satellites: SatelliteInView[] = [];
  for (let g = 0; g < groups; g++) {
    const at = 4 + g * 4;
    const prn = integer(f[at]);
    // An empty or zero PRN is a padding slot, not a satellite.
    if (prn === null || prn <= 0) continue;
    satellites.push({
      prn,
      elevation: integer(f[at + 1]),
      azimuth: integer(f[at + 2]),
      snr: integer(f[at + 3]),
    });
  }
  const signalId = hasSignalId ? Number.parseInt(f[f.length - 1] ?? "", 16) : Number.NaN;
  return {
    type: "GSV",
    talker,
    pages: integer(f[1]),
    page: integer(f[2]),
    inView: integer(f[3]),
    satellites,
    signalId: Number.isInteger(signalId) ? signalId : null,
  };
}
