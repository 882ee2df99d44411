/**
 * What dispatch accepts off the broker: only this protocol's car topics, valid messages, from the car
 * the topic names, of a type that belongs on that topic (DESIGN.md §4).
 */
import { describe, expect, it } from "vitest";
import { carEnvelope } from "../../../src/contracts/car-envelope.ts";
import { classifyInbound, needsOperatorAck } from "../../../src/services/dispatch-inbound.ts";

const now = Date.parse("2026-11-23T21:04:05.123Z");
const status = (src = "BDX-07") =>
  carEnvelope({
    type: "status",
    src,
    now,
    seq: 3,
    body: { code: 3, key: "en_route", since: "2026-11-23T21:04:05Z" },
  });
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe("classifyInbound", () => {
  it("accepts a valid message on its own car's topic", () => {
    const result = classifyInbound("sosm/v1/bordeaux/BDX-07/status", bytes(status()), now, "bordeaux");
    expect(result.ok && result.inbound).toMatchObject({
      fleet: "bordeaux",
      vehicle: "BDX-07",
      receivedAt: now,
    });
  });

  it.each([
    ["a foreign topic", "other/thing", bytes(status())],
    ["a command topic", "sosm/v1/bordeaux/BDX-07/cmd", bytes(status())],
    ["another fleet", "sosm/v1/paris/BDX-07/status", bytes(status())],
    ["a car speaking for another", "sosm/v1/bordeaux/BDX-08/status", bytes(status())],
    ["a type on the wrong topic", "sosm/v1/bordeaux/BDX-07/events", bytes(status())],
    ["invalid JSON", "sosm/v1/bordeaux/BDX-07/status", new TextEncoder().encode("{nope")],
    ["invalid UTF-8", "sosm/v1/bordeaux/BDX-07/status", new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
    ["a payload over 64 KiB", "sosm/v1/bordeaux/BDX-07/status", new Uint8Array(70_000).fill(0x20)],
    [
      "a schema violation",
      "sosm/v1/bordeaux/BDX-07/status",
      bytes({ ...status(), body: { code: 3, key: "available" } }),
    ],
    [
      "a prototype-pollution attempt",
      "sosm/v1/bordeaux/BDX-07/status",
      new TextEncoder().encode('{"__proto__":{"x":1}}'),
    ],
    ["a wildcard in the topic", "sosm/v1/bordeaux/+/status", bytes(status())],
  ])("refuses %s with a reason", (_what, topic, payload) => {
    const result = classifyInbound(topic, payload, now, "bordeaux");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason.length).toBeGreaterThan(0);
  });

  it("asks an operator to acknowledge a raised alarm only while it is not acknowledged", () => {
    const raised = carEnvelope({
      type: "alarm",
      src: "BDX-07",
      now,
      seq: 4,
      body: { alarmId: "A1", kind: "panic", state: "raised" },
    });
    const cancelled = carEnvelope({
      type: "alarm",
      src: "BDX-07",
      now,
      seq: 5,
      body: { alarmId: "A1", kind: "panic", state: "cancelled" },
    });
    expect(needsOperatorAck(raised, false)).toBe(true);
    expect(needsOperatorAck(raised, true)).toBe(false);
    expect(needsOperatorAck(cancelled, false)).toBe(false);
    expect(needsOperatorAck(status(), false)).toBe(false);
  });
});
