/**
 * The command inbox with the real SQLite outbox and dedupe table on a file: hostile payloads,
 * vehicle checks, exactly-once application (across a reopen too) and dispatch's `ack`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type Database from "better-sqlite3";
import fc from "fast-check";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newMessageId } from "../../../src/contracts/message-id.ts";
import {
  type CommandHandlers,
  CommandInbox,
  CommandRejection,
  commandTypes,
} from "../../../src/services/command-inbox.ts";
import type { Clock } from "../../../src/services/ports.ts";
import { openDatabase } from "../../../src/store/database.ts";
import { inboxMigrations } from "../../../src/store/inbox-migrations.ts";
import { SqliteInbox } from "../../../src/store/inbox-repository.ts";
import { outboxMigrations } from "../../../src/store/outbox-migrations.ts";
import { SqliteOutbox } from "../../../src/store/outbox-repository.ts";
import { trackMigrations } from "../../../src/store/track-migrations.ts";

const t0 = Date.parse("2026-11-23T21:04:05.123Z");
const clock: Clock = { now: () => t0, monotonic: () => 0 };
const cmd = "sosm/v1/bordeaux/BDX-07/cmd";
const fleetCmd = "sosm/v1/bordeaux/_all/cmd";
const status = { code: 3, key: "en_route", since: "2026-11-23T21:00:00.000Z" };

let dir: string;
let db: Database.Database;
let outbox: SqliteOutbox;
let records: Array<{ level: number; msg: string; reason?: string; ref?: string | null }>;
let inbox: CommandInbox;
let handled: string[];

function build(handlers: CommandHandlers = {}): void {
  db?.close();
  db = openDatabase({
    path: join(dir, "core.db"),
    synchronous: "FULL",
    logger: pino({ level: "silent" }),
    migrations: [...trackMigrations, ...outboxMigrations, ...inboxMigrations],
  }).db;
  outbox = new SqliteOutbox({ db, vehicle: "BDX-07" });
  const sink = new Writable({
    write(chunk, _encoding, done) {
      records.push(JSON.parse(String(chunk)));
      done();
    },
  });
  inbox = new CommandInbox({
    fleet: "bordeaux",
    vehicle: "BDX-07",
    outbox,
    deliveries: outbox,
    unitOfWork: outbox,
    dedupe: new SqliteInbox(db),
    logger: pino({ level: "debug" }, sink),
    clock,
    handlers: {
      "status.request": (command, ctx) => {
        handled.push(`${command.type}${ctx.fleetWide ? " (fleet)" : ""}`);
        outbox.enqueue("status", status, ctx.receivedAt);
      },
      ...handlers,
    },
  });
}

function command(type: string, body: unknown, extra: Record<string, unknown> = {}) {
  return {
    v: 1,
    id: newMessageId(t0),
    type,
    ts: "2026-11-23T21:04:05.000Z",
    src: "dispatch",
    body,
    ...extra,
  };
}

function send(topic: string, message: unknown) {
  return inbox.handle(topic, Buffer.from(JSON.stringify(message)));
}

/** The bodies of the `rejected` events in the outbox, oldest first. */
function rejections(): Array<{ ref?: string; reason: string }> {
  return outbox
    .pending(1000)
    .filter((m) => m.type === "rejected")
    .map((m) => JSON.parse(m.payload).body);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sosm-inbox-"));
  records = [];
  handled = [];
  build();
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("CommandInbox", () => {
  it("applies a command from the car's topic and from the fleet topic", () => {
    expect(send(cmd, command("status.request", {}))).toBe("applied");
    expect(send(fleetCmd, command("status.request", {}))).toBe("applied");
    expect(handled).toEqual(["status.request", "status.request (fleet)"]);
    expect(outbox.pending(10).map((m) => m.type)).toEqual(["status", "status"]);
    expect(rejections()).toEqual([]);
  });

  it("applies a repeated id once, its effects and dedupe row in one transaction", () => {
    const request = command("status.request", {});
    expect(send(cmd, request)).toBe("applied");
    expect(send(cmd, request)).toBe("duplicate");
    // Ids are case-insensitive: the same id upper-cased is the same command.
    expect(send(fleetCmd, { ...request, id: request.id.toUpperCase() })).toBe("duplicate");
    expect(handled).toHaveLength(1);
    expect(outbox.pendingCount()).toBe(1);
    expect(inbox.stats()).toMatchObject({ applied: 1, duplicate: 2, rejected: 0 });
  });

  it("still applies it once after the SQLite file is closed and reopened", () => {
    const request = command("status.request", {});
    expect(send(cmd, request)).toBe("applied");
    build();
    expect(send(cmd, request)).toBe("duplicate");
    expect(handled).toHaveLength(1);
    expect(outbox.pendingCount()).toBe(1);
  });

  it("marks an event received on dispatch's ack", () => {
    const alarm = outbox.enqueue("alarm", { alarmId: "A-1", kind: "panic", state: "raised" }, t0 - 500);
    outbox.markPublished(alarm.id, t0 - 400);
    expect(send(cmd, command("ack", { ref: alarm.id }))).toBe("applied");
    expect(outbox.stateOf(alarm.id)).toEqual({
      state: "received",
      queuedAt: t0 - 500,
      sentAt: t0 - 400,
      receivedAt: t0,
    });
    // An ack for an event this car never sent (a fleet-wide ack, a pruned one) is not refused.
    expect(send(fleetCmd, command("ack", { ref: newMessageId(t0) }))).toBe("applied");
    expect(rejections()).toEqual([]);
    expect(records.some((r) => r.msg === "ack for an unknown event ignored")).toBe(true);
  });

  it("rejects a command on another vehicle's topic, with a rejected event and a log line", () => {
    const other = command("status.request", {});
    expect(send("sosm/v1/bordeaux/BDX-08/cmd", other)).toBe("rejected");
    expect(send("sosm/v1/lyon/BDX-07/cmd", command("status.request", {}))).toBe("rejected");
    expect(send("sosm/v1/bordeaux/BDX-07/status", command("status.request", {}))).toBe("rejected");
    expect(send("sosm/v1/bordeaux/#/cmd", command("status.request", {}))).toBe("rejected");
    expect(handled).toEqual([]);
    const [wrong] = rejections();
    expect(wrong).toEqual({ ref: other.id, reason: "wrong vehicle: topic is for BDX-08, this is BDX-07" });
    expect(
      rejections()
        .slice(1)
        .map((r) => r.reason),
    ).toEqual([
      "not a command topic of fleet bordeaux: sosm/v1/lyon/BDX-07/cmd",
      "not a command topic of fleet bordeaux: sosm/v1/bordeaux/BDX-07/status",
      "not a command topic of fleet bordeaux: sosm/v1/bordeaux/#/cmd",
    ]);
    const log = records.find((r) => r.msg === "command rejected");
    expect(log).toMatchObject({ level: 40, ref: other.id, reason: wrong?.reason });
  });

  it("rejects a command whose body or envelope names another vehicle, or that is not from dispatch", () => {
    expect(send(fleetCmd, command("status.request", { vehicle: "BDX-08" }))).toBe("rejected");
    expect(send(cmd, command("status.request", { vehicleId: "BDX-09" }))).toBe("rejected");
    expect(send(cmd, command("status.request", {}, { dst: "BDX-10" }))).toBe("rejected");
    expect(send(cmd, command("status.request", {}, { src: "BDX-11" }))).toBe("rejected");
    expect(send(cmd, command("status.request", { vehicle: "BDX-07" }))).toBe("applied");
    expect(rejections().map((r) => r.reason)).toEqual([
      "wrong vehicle: command targets BDX-08, this is BDX-07",
      "wrong vehicle: command targets BDX-09, this is BDX-07",
      "wrong vehicle: command targets BDX-10, this is BDX-07",
      "commands come from dispatch, not BDX-11",
    ]);
  });

  it("rejects an unknown type, and a protocol type this terminal has no handler for", () => {
    const unknown = command("self.destruct", {});
    expect(send(cmd, unknown)).toBe("rejected");
    expect(send(cmd, command("mission.cancel", { missionId: "M-1", reason: "patient left" }))).toBe(
      "rejected",
    );
    expect(rejections()).toEqual([
      { ref: unknown.id, reason: 'unknown command type "self.destruct"' },
      { ref: expect.any(String), reason: "mission.cancel is not supported by this terminal" },
    ]);
    expect(inbox.supportedTypes()).toEqual(["ack", "status.request"]);
    expect(commandTypes).toHaveLength(7);
  });

  it("answers a redelivered refused command once", () => {
    const bad = command("mission.cancel", { missionId: "M-1" });
    expect(send(cmd, bad)).toBe("rejected");
    expect(send(cmd, bad)).toBe("duplicate");
    expect(rejections()).toHaveLength(1);
  });

  it("refuses with the handler's reason and rolls back what the handler wrote", () => {
    build({
      "mission.cancel": (c, ctx) => {
        outbox.enqueue("mission.ack", { missionId: c.body.missionId, state: "received" }, ctx.receivedAt);
        throw new CommandRejection(`unknown mission ${c.body.missionId}`);
      },
      message: () => {
        throw new TypeError("kiosk bus is gone");
      },
    });
    const cancel = command("mission.cancel", { missionId: "M-404", reason: "duplicate call" });
    expect(send(cmd, cancel)).toBe("rejected");
    expect(send(cmd, cancel)).toBe("duplicate");
    expect(send(cmd, command("message", { text: "Rappelez le 15" }))).toBe("rejected");
    expect(outbox.pending(10).map((m) => m.type)).toEqual(["rejected", "rejected"]);
    expect(rejections().map((r) => r.reason)).toEqual([
      "unknown mission M-404",
      "message could not be applied: kiosk bus is gone",
    ]);
    expect(records.some((r) => r.level === 50 && r.msg === "command handler failed")).toBe(true);
  });

  describe("hostile payloads", () => {
    const valid = () => command("status.request", {});

    function rejectsCleanly(payload: Buffer | string, reason: RegExp, ref?: string): void {
      expect(inbox.handle(cmd, payload)).toBe("rejected");
      const last = rejections().at(-1);
      expect(last?.reason).toMatch(reason);
      expect(last?.ref).toBe(ref);
      expect(last?.reason.length).toBeLessThanOrEqual(1000);
      expect(handled).toEqual([]);
    }

    it("1 MiB, quickly and before parsing it", () => {
      const big = Buffer.alloc(1024 * 1024, 0x20);
      const started = performance.now();
      rejectsCleanly(big, /^invalid command: payload of 1048576 bytes exceeds 65536$/);
      expect(performance.now() - started).toBeLessThan(50);
      rejectsCleanly(`{"x":"${"é".repeat(40_000)}"}`, /exceeds 65536/);
    });

    it("deep nesting, at the top and inside the body", () => {
      // Built as text: JSON.stringify recurses and would overflow the stack here, JSON.parse does not.
      const deep = (inner: string) => `${"[".repeat(30_000)}${inner}${"]".repeat(30_000)}`;
      const around = (message: { body: unknown }, at: string, inner: string) =>
        JSON.stringify(message).replace(`"${at}"`, inner);
      rejectsCleanly(deep(""), /^invalid command: \(root\): /);
      // status.request's body accepts unknown fields: nesting in one is stripped, not recursed into.
      const request = command("status.request", { patient: "here" });
      expect(inbox.handle(cmd, around(request, "here", deep("")))).toBe("applied");
      handled.length = 0;
      const ack = command("ack", { ref: "here" });
      rejectsCleanly(around(ack, "here", deep("1")), /^invalid command: body\.ref: /, ack.id);
      // Another id than ack's (which is now remembered as seen): change its last character.
      const otherId = `${ack.id.slice(0, -1)}${ack.id.endsWith("0") ? "1" : "0"}`;
      const nestedRoot = `{"v":1,"id":"${otherId}","type":"ack","x":${deep("{}")}}`;
      expect(nestedRoot.length).toBeLessThan(65_536);
      rejectsCleanly(nestedRoot, /^invalid command: /, otherId);
    });

    it("invalid UTF-8, and what is not JSON at all", () => {
      const text = JSON.stringify(command("message", { text: "XX" }));
      const bytes = Buffer.from(text);
      const at = bytes.indexOf("XX");
      bytes[at] = 0xc3;
      bytes[at + 1] = 0x28;
      rejectsCleanly(bytes, /^invalid command: not UTF-8 JSON: /);
      rejectsCleanly(Buffer.from([0xff, 0xfe, 0x7b, 0x7d]), /not UTF-8 JSON/);
      rejectsCleanly("", /not UTF-8 JSON/);
      rejectsCleanly('{"v":1,', /not UTF-8 JSON/);
      for (const json of ["null", "42", '"ack"', "[]", "{}"]) rejectsCleanly(json, /^invalid command: /);
    });

    it("__proto__ keys, without polluting any prototype", () => {
      const ref = newMessageId(t0);
      const payload = `{"v":1,"id":"${ref}","type":"ack","ts":"2026-11-23T21:04:05Z","src":"dispatch",
        "body":{"__proto__":{"ref":"${ref}"}},"__proto__":{"type":"ack","isAdmin":true}}`;
      rejectsCleanly(payload, /^invalid command: body\.ref: /, ref);
      const viaProto = `{"__proto__":${JSON.stringify(valid())}}`;
      rejectsCleanly(viaProto, /^invalid command: /);
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      expect(({} as Record<string, unknown>).ref).toBeUndefined();
    });

    it("numbers and other values as strings", () => {
      const asStrings = { ...valid(), v: "1" };
      rejectsCleanly(JSON.stringify(asStrings), /^invalid command: v: /, asStrings.id);
      const seq = { ...valid(), seq: "5" };
      rejectsCleanly(JSON.stringify(seq), /^invalid command: seq: /, seq.id);
      rejectsCleanly(JSON.stringify({ ...valid(), id: 42 }), /^invalid command: id: /);
      const type = { ...valid(), type: 7 };
      rejectsCleanly(JSON.stringify(type), /^invalid command: type: /, type.id);
    });

    it("a reason long enough to overflow rejected.reason, and a hostile type string", () => {
      const hostile = command(`x${"\u202e".repeat(5000)}`, {});
      rejectsCleanly(JSON.stringify(hostile), /^unknown command type "x\u202e+…"$/, hostile.id);
    });

    it("never throws and always answers, whatever the bytes (property)", () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
            fc.jsonValue().map((v) => JSON.stringify(v) ?? ""),
            fc
              .record({
                v: fc.jsonValue(),
                id: fc.jsonValue(),
                type: fc.constantFrom(...commandTypes, "x"),
                body: fc.jsonValue(),
              })
              .map((v) => JSON.stringify(v)),
          ),
          fc.constantFrom(cmd, fleetCmd, "sosm/v1/bordeaux/BDX-08/cmd", "", "a/b"),
          (payload, topic) => {
            const outcome = inbox.handle(topic, payload);
            expect(["rejected", "duplicate"]).toContain(outcome);
          },
        ),
        { numRuns: 300 },
      );
      expect(inbox.stats().failed).toBe(0);
    });
  });

  it("does not throw when the store itself fails", () => {
    db.close();
    expect(send(cmd, command("status.request", {}))).toBe("failed");
    expect(records.some((r) => r.level === 50 && r.msg === "command inbox failed to process a command")).toBe(
      true,
    );
    build();
  });

  it("forgets command ids after the retention", () => {
    send(cmd, command("status.request", {}));
    expect(inbox.pruneSeen(60_000)).toBe(0);
    expect(inbox.pruneSeen(-1)).toBe(1);
  });
});
