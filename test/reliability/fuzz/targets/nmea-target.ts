/**
 * Fuzz target: the GNSS chain as the core runs it on serial bytes: bounded line splitter → frame
 * check → nmea-simple + our field readers → cycle assembly → quality gate (src/io/gnss).
 *
 * Crash: a throw out of `LineSplitter.push` or `GnssPipeline.push/flush` (documented never to throw),
 * a line longer than the splitter's bound, a fix with NaN, -0, out-of-range or (0, 0) values or an
 * unreadable time, or the pipeline's own `internal.error` counter moving (a bug it caught so that
 * the tracker keeps running: never expected).
 * Seeds: the gpsd and Signal K fixture logs, the simulated car's Bordeaux recording and the
 * emulator's multi-constellation epochs, cut into blocks of consecutive lines (whole cycles).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseNmeaSentence } from "nmea-simple";
import { bordeauxLoop } from "../../../../apps/sim/drive/bordeaux-route.ts";
import { drive } from "../../../../apps/sim/drive/drive-generator.ts";
import { encodeEpoch } from "../../../../apps/sim/drive/nmea-encoder.ts";
import { nmeaChecksum } from "../../../../src/contracts/nmea-framing.ts";
import type { Fix } from "../../../../src/domain/gnss/fix.ts";
import { GnssPipeline } from "../../../../src/io/gnss/gnss-pipeline.ts";
import { decodeFrame } from "../../../../src/io/gnss/nmea-decoder.ts";
import { checkFrame, splitCandidates } from "../../../../src/io/gnss/nmea-frame.ts";
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from "../../../../src/io/line-splitter.ts";
import { FuzzCrash, type FuzzTarget } from "../coverage-fuzzer.ts";

const root = join(import.meta.dirname, "../../../..");
const fixtures = join(root, "test/fixtures/nmea");
const linesPerSeed = 12;
const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1");

function captureLines(path: string): string[] {
  return readFileSync(path)
    .toString("latin1")
    .split(/\r?\n/)
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/** Blocks of consecutive lines; the first block of every file comes first, so each is represented. */
export function nmeaSeedBlocks(maxSeeds: number): string[] {
  const files = [
    ...readdirSync(join(fixtures, "gpsd"))
      .filter((f) => f.endsWith(".log"))
      .sort()
      .map((f) => join(fixtures, "gpsd", f)),
    join(fixtures, "signalk/test-fixtures.nmea"),
    join(root, "apps/sim/recordings/bordeaux-night.nmea"),
  ];
  const perFile = files.map((file) => {
    const lines = captureLines(file);
    const blocks: string[] = [];
    for (let i = 0; i < lines.length; i += linesPerSeed)
      blocks.push(lines.slice(i, i + linesPerSeed).join("\r\n"));
    return blocks;
  });
  const emulator: string[] = [];
  const epochs = drive({
    route: bordeauxLoop,
    start: Date.parse("2026-11-23T21:00:00Z"),
    rateHz: 10,
    durationS: 3,
    seed: 7,
  });
  for (const sample of epochs) emulator.push(encodeEpoch(sample, "multi").join("\r\n"));
  // Round robin over the files: a capped run still sees every receiver.
  const out = [...emulator.slice(0, 5)];
  for (let round = 0; out.length < maxSeeds; round++) {
    let added = false;
    for (const blocks of perFile) {
      const block = blocks[round];
      if (block === undefined) continue;
      out.push(block);
      added = true;
    }
    if (!added) break;
  }
  return out.slice(0, maxSeeds);
}

/** Recomputes the checksum of every `$...` line, so that a mutant passes the frame check. */
export function fixNmeaChecksums(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      const cr = line.endsWith("\r");
      const body = cr ? line.slice(0, -1) : line;
      if (!body.startsWith("$") && !body.startsWith("!")) return line;
      const star = body.indexOf("*");
      const inner = body.slice(1, star < 0 ? undefined : star);
      return `${body[0]}${inner}*${nmeaChecksum(inner)}${cr ? "\r" : ""}`;
    })
    .join("\n");
}

export function checkFix(fix: Fix): void {
  const numbers = {
    lat: fix.lat,
    lon: fix.lon,
    alt: fix.alt,
    speed: fix.speed,
    heading: fix.heading,
    sats: fix.sats,
    hdop: fix.hdop,
  };
  for (const [name, value] of Object.entries(numbers)) {
    if (value === undefined) continue;
    if (!Number.isFinite(value) || Object.is(value, -0)) throw new FuzzCrash(`fix.${name} is ${value}`);
  }
  if (Math.abs(fix.lat) > 90 || Math.abs(fix.lon) > 180)
    throw new FuzzCrash(`fix out of range: ${fix.lat}, ${fix.lon}`);
  if (fix.lat === 0 && fix.lon === 0) throw new FuzzCrash("fix at null island (0, 0)");
  if (fix.heading !== undefined && !(fix.heading >= 0 && fix.heading < 360))
    throw new FuzzCrash(`heading ${fix.heading}`);
  if (fix.speed !== undefined && fix.speed < 0) throw new FuzzCrash(`speed ${fix.speed}`);
  if (Number.isNaN(Date.parse(fix.fixTime))) throw new FuzzCrash(`fixTime ${fix.fixTime}`);
  if (!["2d", "3d", "dgps", "rtk", "estimated"].includes(fix.fix)) throw new FuzzCrash(`fix kind ${fix.fix}`);
}

/**
 * decodeFrame turns any throw into an `error` outcome, nmea-simple's (expected: PITFALLS.md) and
 * ours alike. Ours would be a bug: when nmea-simple alone parses the sentence, an error other than
 * our own refusals came from our field readers.
 */
function checkDecoders(line: string): void {
  for (const candidate of splitCandidates(line)) {
    const verdict = checkFrame(candidate);
    if (!verdict.ok) continue;
    const outcome = decodeFrame(verdict.frame);
    if (
      outcome.kind !== "error" ||
      outcome.message === "too few fields" ||
      outcome.message === "unexpected packet"
    )
      continue;
    try {
      parseNmeaSentence(verdict.frame.sentence);
    } catch {
      continue;
    }
    throw new FuzzCrash(`our decoder threw on ${JSON.stringify(verdict.frame.sentence)}: ${outcome.message}`);
  }
}

export function nmeaTarget(maxSeeds: number): FuzzTarget {
  return {
    name: "nmea",
    sources: [
      "/src/io/gnss/",
      "/src/domain/gnss/",
      "/src/io/line-splitter.ts",
      "/src/contracts/nmea-framing.ts",
      "/node_modules/nmea-simple/",
    ],
    maxInputBytes: 4096,
    dictionary: [
      "$GP",
      "$GN",
      "$GL",
      "$GA",
      "$GB",
      "$BD",
      "$QZ",
      "!AIVDM,",
      "$PGRME,",
      "$PUBX,",
      "RMC,",
      "GGA,",
      "GLL,",
      "GNS,",
      "VTG,",
      "ZDA,",
      "GSA,",
      "GSV,",
      "TXT,",
      "*",
      ",",
      ",,",
      "\r\n",
      "\n",
      "\r",
      "$",
      "A",
      "V",
      "N",
      "S",
      "E",
      "W",
      "M",
      "K",
      "T",
      "4807.038",
      "01131.000",
      "230394",
      "311299",
      "010100",
      "123519.00",
      "235959.99",
      "240000",
      "-0",
      "99",
      "0.0",
      "1.5",
      "*00",
      "*FF",
      "AAAAA",
      "DDRR",
      "NNNNN",
    ],
    seeds: () => nmeaSeedBlocks(maxSeeds).map((block) => Buffer.from(block, "latin1")),
    fixup: (input) => Buffer.from(fixNmeaChecksums(latin1(input)), "latin1"),
    exec(input) {
      const splitter = new LineSplitter();
      const pipeline = new GnssPipeline({ referenceDate: "2020-01-01" });
      const lines: string[] = [];
      // Odd chunk sizes: lines cut across reads, as a UART delivers them.
      for (let i = 0; i < input.length; i += 37) lines.push(...splitter.push(input.subarray(i, i + 37)));
      lines.push(...splitter.flush());
      const fixes: Fix[] = [];
      lines.forEach((line, n) => {
        if (line.length > DEFAULT_MAX_LINE_BYTES)
          throw new FuzzCrash(`splitter emitted ${line.length} bytes`);
        fixes.push(...pipeline.push(line, n * 100));
        checkDecoders(line);
      });
      fixes.push(...pipeline.flush());
      fixes.forEach(checkFix);
      const internal = pipeline.counts()["internal.error"];
      if (internal !== undefined) throw new FuzzCrash(`the pipeline caught ${internal} internal error(s)`);
    },
  };
}
