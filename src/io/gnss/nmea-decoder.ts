/**
 * Turns a checked frame (nmea-frame.ts) into one of our domain sentences.
 *
 * Registry, nmea0183-signalk style: to add a sentence, write `decodeXxx(talker, fields, packet)`
 * with its field table in the family file (nmea-position-sentences.ts, nmea-satellite-sentences.ts),
 * give it a minimum field count below, and add it to the `GnssSentence` union.
 *
 * nmea-simple's `parseNmeaSentence` is only called after our frame check, and inside try/catch: it
 * throws on unknown sentences and a TypeError on short ones (PITFALLS.md). Any talker is accepted
 * (GP, GN, GL, GA, GB, BD, QZ, GI...): the talker only says which constellation speaks.
 */
import { type GGAPacket, type GSAPacket, type Packet, parseNmeaSentence } from "nmea-simple";
import type { GnssSentence, GnssSentenceType } from "../../domain/gnss/sentences.ts";
import type { Frame } from "./nmea-frame.ts";
import {
  decodeGga,
  decodeGll,
  decodeGns,
  decodeRmc,
  decodeVtg,
  decodeZda,
} from "./nmea-position-sentences.ts";
import { decodeGsa, decodeGsv } from "./nmea-satellite-sentences.ts";

export type DecodeOutcome =
  | { kind: "sentence"; sentence: GnssSentence }
  | { kind: "unknown" }
  | { kind: "proprietary" }
  | { kind: "error"; message: string };

interface Entry {
  /** Fields (address included) up to the last one the decoder needs; fewer is a truncated sentence. */
  minFields: number;
  decode(talker: string, fields: readonly string[], packet: Packet): GnssSentence | null;
}

const registry: Record<GnssSentenceType, Entry> = {
  RMC: { minFields: 10, decode: (t, f) => decodeRmc(t, f) },
  GGA: {
    minFields: 10,
    decode: (t, f, p) => (p.sentenceId === "GGA" ? decodeGga(t, f, p as GGAPacket) : null),
  },
  GLL: { minFields: 6, decode: (t, f) => decodeGll(t, f) },
  GNS: { minFields: 10, decode: (t, f) => decodeGns(t, f) },
  VTG: { minFields: 5, decode: (t, f) => decodeVtg(t, f) },
  ZDA: { minFields: 5, decode: (t, f) => decodeZda(t, f) },
  GSA: {
    minFields: 6,
    decode: (t, f, p) => (p.sentenceId === "GSA" ? decodeGsa(t, f, p as GSAPacket) : null),
  },
  GSV: { minFields: 4, decode: (t, f) => decodeGsv(t, f) },
};

function isKnown(type: string): type is GnssSentenceType {
  return Object.hasOwn(registry, type);
}

export function decodeFrame(frame: Frame): DecodeOutcome {
  if (frame.proprietary) return { kind: "proprietary" };
  if (!isKnown(frame.type)) return { kind: "unknown" };
  const entry = registry[frame.type];
  if (frame.fields.length < entry.minFields) return { kind: "error", message: "too few fields" };
  let packet: Packet;
  try {
    packet = parseNmeaSentence(frame.sentence);
  } catch (error) {
    return { kind: "error", message: error instanceof Error ? error.message : String(error) };
  }
  try {
    const sentence = entry.decode(frame.talker, frame.fields, packet);
    return sentence === null
      ? { kind: "error", message: "unexpected packet" }
      : { kind: "sentence", sentence };
  } catch (error) {
    // Our decoders do not throw on any field content; this is a last line of defence.
    return { kind: "error", message: error instanceof Error ? error.message : String(error) };
  }
}
