/**
 * The MQTT contracts of PROTOCOL.md part A: the documented examples, every field name of the spec,
 * and what a hostile or broken sender gets back. Also the identifiers, topics and UUIDv7 ids the
 * messages rely on.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import { maxPayloadBytes } from "../../../src/contracts/fields.ts";
import {
  cmdTopic,
  fleetCmdTopic,
  messageIdKey,
  messageIdSchema,
  mqttClientId,
  parseTopic,
  topicFor,
} from "../../../src/contracts/ids.ts";
import { messageTypes } from "../../../src/contracts/json-schemas.ts";
import { messageIdTime, newMessageId } from "../../../src/contracts/message-id.ts";
import {
  carMessageRoutes,
  carMessageSchema,
  commandSchema,
  decodeMessage,
  positionMessage,
  topicOfCarMessage,
} from "../../../src/contracts/messages.ts";
import type { positionBody } from "../../../src/contracts/telemetry.ts";
import type { Fix } from "../../../src/domain/gnss/fix.ts";

const examplesDir = resolve(import.meta.dirname, "../../../docs/protocol/examples");
function example(type: string): Record<string, unknown> {
  return JSON.parse(readFileSync(resolve(examplesDir, `${type}.json`), "utf8"));
}
const commandTypes = [
  "mission.assign",
  "mission.update",
  "mission.cancel",
  "message",
  "ack",
  "status.request",
  "roster",
];
function schemaFor(type: string) {
  return commandTypes.includes(type) ? commandSchema : carMessageSchema;
}
// biome-ignore lint/suspicious/noExplicitAny: tests poke arbitrary paths of a JSON copy on purpose
type Loose = any;
/** The example with `change` applied to a deep copy (undefined deletes the field). */
function altered(type: string, change: (message: Loose) => void): unknown {
  const copy = structuredClone(example(type)) as Loose;
  change(copy);
  return copy;
}
function rejection(type: string, message: unknown): string {
  const decoded = decodeMessage(schemaFor(type), JSON.stringify(message));
  if (decoded.ok) throw new Error(`${type} was accepted`);
  return decoded.reason;
}

describe("documented examples", () => {
  it.each(messageTypes)("docs/protocol/examples/%s.json is a valid message", (type) => {
    const decoded = decodeMessage(schemaFor(type), readFileSync(resolve(examplesDir, `${type}.json`)));
    expect(decoded).toMatchObject({ ok: true, message: { type } });
  });

  it("accepts a text message in both directions", () => {
    expect(carMessageSchema.safeParse({ ...example("message"), src: "BDX-07" }).success).toBe(true);
    expect(commandSchema.safeParse(example("message")).success).toBe(true);
  });
});

/**
 * Every field PROTOCOL.md names, with a value. Unknown fields are stripped on parse, so a field the
 * schema misspelt would vanish from the output: checking the output catches a renamed field.
 */
const everyField: Record<string, Record<string, unknown>> = {
  presence: { state: "offline", since: "2026-11-23T21:04:05Z", app: "1.2.3" },
  position: {
    fixTime: "2026-11-23T21:04:05.000Z",
    lat: -33.9,
    lon: 151.2,
    alt: -12,
    speed: 0,
    heading: 0,
    fix: "rtk",
    sats: 14,
    hdop: 0.6,
  },
  status: {
    code: 0,
    key: "emergency",
    since: "2026-11-23T21:04:05Z",
    missionId: "M1",
    lat: 1,
    lon: 2,
    note: "n",
  },
  equipment: {
    ready: false,
    items: [
      {
        id: "o2",
        kind: "oxygen",
        state: "fault",
        reasons: ["empty"],
        readings: { pressure_bar: 3 },
        checkedAt: "2026-11-23T21:04:05Z",
        expiresOn: "2027-01-31",
      },
    ],
  },
  "mission.ack": { missionId: "M1", state: "declined", reason: "already on a call" },
  alarm: { alarmId: "A1", kind: "panic", state: "cancelled", lat: 1, lon: 2, note: "n" },
  message: { text: "t", replyTo: "01ARZ3NDEKTSV4RRFFQ69G5FAV" },
  report: {
    missionId: "M1",
    outcome: "deceased",
    summary: "s",
    acts: ["a"],
    consumables: [{ item: "gloves", qty: 2 }],
  },
  check: { checkId: "C1", itemId: "o2", result: "fail", technician: "T", notes: "n" },
  rejected: { ref: "01ARZ3NDEKTSV4RRFFQ69G5FAV", reason: "wrong vehicle" },
  "mission.assign": {
    missionId: "M1",
    priority: "P3",
    reason: "r",
    address: { text: "t", lat: 1, lon: 2, access: "a" },
    patient: { name: "n", age: 90, sex: "M" },
    callback: "06 12 34 56 78",
    notes: "n",
    caseId: "fr.health.samu330.X1",
  },
  "mission.update": { missionId: "M1", priority: "P0", address: { text: "t" }, callback: "0556000000" },
  "mission.cancel": { missionId: "M1", reason: "r" },
  ack: { ref: "01a20a39-318b-7f4c-95b5-231804ed4418" },
  "status.request": {},
};

describe("PROTOCOL.md field names", () => {
  it.each(Object.keys(everyField))("%s keeps every field the spec names", (type) => {
    const body = everyField[type];
    const result = schemaFor(type).safeParse({ ...example(type), body });
    expect(result.error).toBeUndefined();
    expect(result.data?.body).toEqual(body);
  });

  it("keeps every envelope field, seq included", () => {
    expect(carMessageSchema.parse(example("status"))).toEqual(example("status"));
  });

  it("accepts a track of every field and 500 points, and refuses 501", () => {
    const point = everyField.position;
    const track = (n: number) => altered("track", (m) => (m.body.points = Array(n).fill(point)));
    expect(carMessageSchema.safeParse(track(500)).success).toBe(true);
    expect(rejection("track", track(501))).toMatch(/^body\.points: .*500/);
  });
});

describe("rejections name the path of the problem", () => {
  it.each([
    ["wrong type", "status", (m: Loose) => (m.body.code = "3"), /^body\.code: /],
    ["missing field", "report", (m: Loose) => delete m.body.outcome, /^body\.outcome: /],
    ["latitude out of range", "position", (m: Loose) => (m.body.lat = 90.5), /^body\.lat: latitude/],
    ["longitude out of range", "alarm", (m: Loose) => (m.body.lon = -181), /^body\.lon: /],
    ["heading of 360", "position", (m: Loose) => (m.body.heading = 360), /^body\.heading: /],
    ["negative speed", "position", (m: Loose) => (m.body.speed = -1), /^body\.speed: /],
    ["ts with an offset", "status", (m: Loose) => (m.ts = "2026-11-23T22:04:05+01:00"), /^ts: /],
    ["wrong v", "status", (m: Loose) => (m.v = 2), /^v: /],
    ["unknown type", "status", (m: Loose) => (m.type = "status.v2"), /^type: /],
    ["bad message id", "ack", (m: Loose) => (m.id = "42"), /^id: expected a UUIDv7 or a ULID/],
    ["UUIDv4 id", "ack", (m: Loose) => (m.id = "0f8fad5b-d9cb-469f-a165-70867728950e"), /^id: /],
    ["negative seq", "status", (m: Loose) => (m.seq = -1), /^seq: /],
    ["code and key apart", "status", (m: Loose) => (m.body.code = 4), /^body\.key: code and key/],
    ["lat without lon", "alarm", (m: Loose) => delete m.body.lon, /^body\.lon: lat and lon/],
    ["bad priority", "mission.assign", (m: Loose) => (m.body.priority = "P4"), /^body\.priority: /],
    ["bad callback", "mission.assign", (m: Loose) => (m.body.callback = "15"), /^body\.callback: /],
    ["src _all", "status", (m: Loose) => (m.src = "_all"), /^src: /],
    ["empty text", "message", (m: Loose) => (m.body.text = ""), /^body\.text: /],
  ])("refuses %s", (_name, type, change, reason) => {
    expect(rejection(type, altered(type, change))).toMatch(reason);
  });

  it("refuses a position without lat and lon", () => {
    const reason = rejection(
      "position",
      altered("position", (m) => {
        delete m.body.lat;
        delete m.body.lon;
      }),
    );
    expect(reason).toContain("body.lat: ");
    expect(reason).toContain("body.lon: ");
  });

  it.each([
    ["message", (m: Loose, s: string) => (m.body.text = s), "body.text"],
    ["report", (m: Loose, s: string) => (m.body.summary = s), "body.summary"],
    ["status", (m: Loose, s: string) => (m.body.note = s), "body.note"],
    ["mission.assign", (m: Loose, s: string) => (m.body.address.access = s), "body.address.access"],
    ["equipment", (m: Loose, s: string) => (m.body.items[0].reasons = [s]), "body.items.0.reasons.0"],
  ])("refuses a 1 MiB string in a %s (schema alone, before any size check)", (type, change, path) => {
    const huge = "x".repeat(1024 * 1024);
    const result = schemaFor(type).safeParse(altered(type, (m) => change(m, huge)));
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toContain(path);
  });

  it("refuses a payload over 64 KiB before parsing it", () => {
    const payload = JSON.stringify(altered("message", (m) => (m.pad = "x".repeat(maxPayloadBytes))));
    expect(decodeMessage(carMessageSchema, payload)).toEqual({
      ok: false,
      reason: expect.stringMatching(/exceeds 65536/),
    });
  });

  it("refuses an oversized binary payload by its byte length: multi-byte characters count", () => {
    const message = altered("message", (m) => (m.body.text = "é".repeat(3000)));
    const payload = new TextEncoder().encode(
      JSON.stringify({ ...(message as object), pad: "é".repeat(31_000) }),
    );
    expect(payload.byteLength).toBeGreaterThan(maxPayloadBytes);
    expect(decodeMessage(commandSchema, payload)).toMatchObject({ ok: false, reason: /exceeds 65536/ });
    expect(decodeMessage(commandSchema, new TextEncoder().encode(JSON.stringify(message))).ok).toBe(true);
  });

  it("refuses invalid UTF-8 and invalid JSON", () => {
    expect(decodeMessage(carMessageSchema, new Uint8Array([0x7b, 0xff, 0x7d])).ok).toBe(false);
    expect(decodeMessage(carMessageSchema, "{")).toMatchObject({ ok: false, reason: /not UTF-8 JSON/ });
  });

  it("refuses a command type on the car's side and a car type on dispatch's side", () => {
    expect(carMessageSchema.safeParse(example("mission.assign")).success).toBe(false);
    expect(commandSchema.safeParse(example("status")).success).toBe(false);
  });
});

describe("forward compatibility", () => {
  it("accepts unknown fields in the envelope, the body and nested objects, and drops them", () => {
    const message = altered("mission.assign", (m) => {
      m.trace = "abc";
      m.body.eta = 600;
      m.body.address.floor = 3;
    });
    const parsed = commandSchema.parse(message);
    expect(parsed).not.toHaveProperty("trace");
    expect(parsed.body).not.toHaveProperty("eta");
    expect(parsed.body).toMatchObject({ address: { text: "12 rue Sainte-Catherine, 33000 Bordeaux" } });
  });

  it("accepts an equipment kind beyond the documented ones", () => {
    const message = altered("equipment", (m) => (m.body.items[0].kind = "glucometer"));
    expect(carMessageSchema.safeParse(message).success).toBe(true);
  });
});

describe("topic table", () => {
  it("routes each car message type as PROTOCOL.md says", () => {
    expect(carMessageRoutes).toEqual({
      presence: { suffix: "presence", qos: 1, retained: true },
      position: { suffix: "position", qos: 0, retained: true },
      track: { suffix: "track", qos: 1, retained: false },
      status: { suffix: "status", qos: 1, retained: true },
      equipment: { suffix: "equipment", qos: 1, retained: true },
      "mission.ack": { suffix: "events", qos: 1, retained: false },
      alarm: { suffix: "events", qos: 1, retained: false },
      message: { suffix: "events", qos: 1, retained: false },
      report: { suffix: "events", qos: 1, retained: false },
      check: { suffix: "events", qos: 1, retained: false },
      rejected: { suffix: "events", qos: 1, retained: false },
      shift: { suffix: "events", qos: 1, retained: false },
    });
    expect(topicOfCarMessage("position")).toEqual({ suffix: "position", qos: 0, retained: true });
    expect(topicOfCarMessage("alarm").suffix).toBe("events");
    expect(topicOfCarMessage("mission.assign")).toBeNull();
    expect(topicOfCarMessage("toString")).toBeNull();
  });

  it("builds and parses topics", () => {
    expect(topicFor("bordeaux", "BDX-07", "status")).toBe("sosm/v1/bordeaux/BDX-07/status");
    expect(cmdTopic("bordeaux", "BDX-07")).toBe("sosm/v1/bordeaux/BDX-07/cmd");
    expect(fleetCmdTopic("bordeaux")).toBe("sosm/v1/bordeaux/_all/cmd");
    expect(mqttClientId("bordeaux", "BDX-07")).toBe("sosm-bordeaux-BDX-07");
    expect(parseTopic("sosm/v1/bordeaux/BDX-07/events")).toEqual({
      fleet: "bordeaux",
      vehicle: "BDX-07",
      suffix: "events",
    });
    expect(parseTopic("sosm/v1/bordeaux/_all/cmd")).toEqual({
      fleet: "bordeaux",
      vehicle: "_all",
      suffix: "cmd",
    });
  });

  it.each([
    "sosm/v2/bordeaux/BDX-07/status",
    "sosm/v1/bordeaux/BDX-07/status/extra",
    "sosm/v1/Bordeaux/BDX-07/status",
    "sosm/v1/bordeaux/+/status",
    "sosm/v1/bordeaux/BDX-07/#",
    "sosm/v1/bordeaux/BDX-07/gps",
    "sosm/v1/bordeaux/_all/status",
    "sosm/v1/bordeaux/dispatch/status",
    "",
  ])("parses %j as not ours", (topic) => {
    expect(parseTopic(topic)).toBeNull();
  });

  it("refuses to build a topic that would carry a wildcard, a level or a reserved id", () => {
    expect(() => topicFor("bordeaux", "BDX+", "status")).toThrow(TypeError);
    expect(() => topicFor("bordeaux", "a/b", "status")).toThrow(TypeError);
    expect(() => topicFor("bordeaux", "_all", "status")).toThrow(TypeError);
    expect(() => fleetCmdTopic("Bordeaux")).toThrow(TypeError);
    expect(() => topicFor("bordeaux", "x".repeat(33), "status")).toThrow(TypeError);
  });
});

describe("message ids", () => {
  it("makes RFC 9562 UUIDv7 ids that carry their time and pass the id schema", () => {
    const now = Date.parse("2026-11-23T21:04:05.123Z");
    const id = newMessageId(now);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(messageIdTime(id)).toBe(now);
    expect(messageIdSchema.safeParse(id).success).toBe(true);
    expect(newMessageId(2 ** 48 - 1).startsWith("ffffffff-ffff-7")).toBe(true);
  });

  it("makes 10,000 distinct ids within one millisecond", () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newMessageId(1_700_000_000_000)));
    expect(ids.size).toBe(10_000);
  });

  it("sorts ids of later milliseconds after earlier ones", () => {
    expect(newMessageId(1_700_000_000_001) > newMessageId(1_700_000_000_000)).toBe(true);
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 48])("refuses the timestamp %d", (now) => {
    expect(() => newMessageId(now)).toThrow(RangeError);
  });

  it("accepts ULIDs and UUIDv7 in either case, and de-duplicates them case-insensitively", () => {
    for (const id of [
      "01ARZ3NDEKTSV4RRFFQ69G5FAV",
      "01arz3ndektsv4rrffq69g5fav",
      "01A20A39-318B-7F4C-95B5-231804ED4418",
    ]) {
      expect(messageIdSchema.safeParse(id).success).toBe(true);
    }
    expect(messageIdKey("01ARZ3NDEKTSV4RRFFQ69G5FAV")).toBe(messageIdKey("01arz3ndektsv4rrffq69g5fav"));
    // A ULID is 128 bits: a first character above 7 overflows; I, L, O and U are not Crockford base32.
    for (const id of [
      "81ARZ3NDEKTSV4RRFFQ69G5FAV",
      "01ARZ3NDEKTSV4RRFFQ69G5FAU",
      "01ARZ3NDEKTSV4RRFFQ69G5FA",
    ]) {
      expect(messageIdSchema.safeParse(id).success).toBe(false);
    }
  });

  it("types the position body exactly as the domain Fix (checked by tsc)", () => {
    expectTypeOf<z.infer<typeof positionBody>>().toEqualTypeOf<Fix>();
    expectTypeOf<z.input<typeof positionBody>>().toEqualTypeOf<Fix>();
  });

  it("infers the position message type from the schema", () => {
    const parsed = positionMessage.parse(example("position"));
    expect(parsed.body.fix).toBe("3d");
    expect(parsed.seq).toBeUndefined();
  });
});
