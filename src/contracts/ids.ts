/**
 * Identifiers, timestamps and MQTT topics of PROTOCOL.md part A ("Identifiers", "Topics", "Envelope").
 *
 * Topic strings are built and parsed only here, so that a fleet or vehicle id can never smuggle an
 * MQTT wildcard (`+`, `#`) or an extra level (`/`) into a topic: the id patterns exclude them.
 */
import { z } from "zod";

/** PROTOCOL.md A: `fleet` matches `[a-z0-9-]{1,32}` (for example `bordeaux`). */
export const fleetIdPattern = /^[a-z0-9-]{1,32}$/;
/** PROTOCOL.md A: `vehicle` matches `[A-Za-z0-9_-]{1,32}` (for example `BDX-07`). */
export const vehicleIdPattern = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * `_all` is the fleet-wide command level (`sosm/v1/{fleet}/_all/cmd`), so no car may be called that:
 * with the per-vehicle ACL (DESIGN.md §4) a car named `_all` could publish commands to the whole
 * fleet. `dispatch` is the envelope `src` of dispatch, so a car of that name would be ambiguous.
 */
export const reservedVehicleIds = ["_all", "dispatch"] as const;

export const fleetIdSchema = z
  .string()
  .regex(fleetIdPattern, { error: "expected 1 to 32 characters among a-z, 0-9 and -" })
  .describe("Fleet (association) id, for example `bordeaux`.");

export const vehicleIdSchema = z
  .string()
  .regex(vehicleIdPattern, { error: "expected 1 to 32 characters among A-Z, a-z, 0-9, _ and -" })
  .refine((id) => !(reservedVehicleIds as readonly string[]).includes(id), {
    error: `${reservedVehicleIds.join(" and ")} are reserved and cannot name a vehicle`,
  })
  .describe("Vehicle (car) id, for example `BDX-07`.");

/**
 * A message id is a UUIDv7 (RFC 9562 §5.7: version nibble 7, variant bits 10) or a ULID (Crockford
 * base32, 26 characters; the first one is at most 7 because a ULID is 128 bits). Both sort by creation
 * time, which keeps the outbox and the dedupe index in insertion order. Both specs say to read them
 * case-insensitively, so de-duplicate on `messageIdKey(id)`. The patterns spell both cases out instead
 * of using the `i` flag, because JSON Schema `pattern` has no flags and the generated schema must
 * accept what zod accepts.
 */
export const uuidV7Pattern =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-7[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;
export const ulidPattern = /^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$/;
const messageIdPattern = new RegExp(`${uuidV7Pattern.source}|${ulidPattern.source}`);

export const messageIdSchema = z
  .string()
  .max(36)
  .regex(messageIdPattern, { error: "expected a UUIDv7 or a ULID" })
  .describe("Message id: a UUIDv7 or a ULID, unique. Receivers de-duplicate on it.");

/** The de-duplication key of a message id: both formats are case-insensitive. */
export function messageIdKey(id: string): string {
  return id.toLowerCase();
}

/**
 * ISO 8601 UTC with `Z`, with or without fractional seconds (`2026-11-23T21:04:05.123Z`). Offsets are
 * refused on purpose (PROTOCOL.md A says UTC; PITFALLS: zod 4 only accepts them with `offset: true`),
 * so that timestamps compare as strings and sort in the store.
 */
export const isoTimestampSchema = z.iso
  .datetime({ error: "expected an ISO 8601 UTC timestamp such as 2026-11-23T21:04:05.123Z" })
  .describe("ISO 8601 UTC timestamp, for example 2026-11-23T21:04:05.123Z.");

/** A calendar date `YYYY-MM-DD` (kit expiry). */
export const isoDateSchema = z.iso
  .date({ error: "expected a date YYYY-MM-DD" })
  .describe("Calendar date YYYY-MM-DD.");

/** The car's MQTT client id (PROTOCOL.md A): used with a persistent session (`clean: false`). */
export function mqttClientId(fleet: string, vehicle: string): string {
  assertFleet(fleet);
  assertVehicle(vehicle);
  return `sosm-${fleet}-${vehicle}`;
}

/** Topic suffixes the car publishes under its own prefix (PROTOCOL.md A, topic table). */
export const carTopicSuffixes = ["presence", "position", "track", "status", "equipment", "events"] as const;
export type CarTopicSuffix = (typeof carTopicSuffixes)[number];
/** `cmd` is dispatch's topic to one car, or to the fleet under `_all`. */
export type TopicSuffix = CarTopicSuffix | "cmd";

export const topicRoot = "sosm/v1";
/** The vehicle level of the fleet-wide command topic. */
export const allVehicles = "_all";

/** `sosm/v1/{fleet}/{vehicle}/{suffix}`. Throws on an invalid id: that is a programming error. */
export function topicFor(fleet: string, vehicle: string, suffix: TopicSuffix): string {
  assertFleet(fleet);
  assertVehicle(vehicle);
  return `${topicRoot}/${fleet}/${vehicle}/${suffix}`;
}

/** Dispatch's command topic for one car (QoS 1). */
export function cmdTopic(fleet: string, vehicle: string): string {
  return topicFor(fleet, vehicle, "cmd");
}

/** Dispatch's command topic for the whole fleet (QoS 1). */
export function fleetCmdTopic(fleet: string): string {
  assertFleet(fleet);
  return `${topicRoot}/${fleet}/${allVehicles}/cmd`;
}

export interface ParsedTopic {
  fleet: string;
  /** A vehicle id, or `_all` for the fleet-wide command topic. */
  vehicle: string;
  suffix: TopicSuffix;
}

const topicSuffixes: readonly string[] = [...carTopicSuffixes, "cmd"];

/**
 * Splits a topic of this protocol; null for anything else (another version, a wildcard, an invalid
 * id, an unknown suffix, or `_all` with anything but `cmd`). Receivers use it to check that a message
 * is for the vehicle it claims (DESIGN.md §4).
 */
export function parseTopic(topic: string): ParsedTopic | null {
  if (topic.length > 128) return null;
  const parts = topic.split("/");
  if (parts.length !== 5 || `${parts[0]}/${parts[1]}` !== topicRoot) return null;
  const [, , fleet = "", vehicle = "", suffix = ""] = parts;
  if (!fleetIdPattern.test(fleet) || !topicSuffixes.includes(suffix)) return null;
  if (vehicle === allVehicles) {
    return suffix === "cmd" ? { fleet, vehicle, suffix } : null;
  }
  if (!vehicleIdSchema.safeParse(vehicle).success) return null;
  return { fleet, vehicle, suffix: suffix as TopicSuffix };
}

function assertFleet(fleet: string): void {
  if (!fleetIdPattern.test(fleet)) throw new TypeError(`invalid fleet id ${JSON.stringify(fleet)}`);
}

function assertVehicle(vehicle: string): void {
  if (!vehicleIdSchema.safeParse(vehicle).success) {
    throw new TypeError(`invalid vehicle id ${JSON.stringify(vehicle)}`);
  }
}
