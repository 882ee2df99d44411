/**
 * The hostile commands of test/integration/link/hostile-commands.test.ts: what dispatch (or whoever
 * holds dispatch's credentials) might publish on a car's `cmd` topic, and the refusal each one must
 * get from src/services/command-inbox.ts. `ref` is the id the `rejected` must carry: present when
 * the id could be read, absent when it could not (payload too big to look at, not JSON, not UTF-8,
 * no valid id).
 */
import { newMessageId } from "../../../src/contracts/message-id.ts";

/** A command envelope from dispatch with a fresh id; `extra` overrides or adds envelope fields. */
export function command(type: string, body: unknown, extra: Record<string, unknown> = {}) {
  const id = newMessageId(Date.now());
  return { id, json: { v: 1, id, type, ts: new Date().toISOString(), src: "dispatch", body, ...extra } };
}

export const nested = (depth: number, open: string, close: string) =>
  open.repeat(depth) + close.repeat(depth);

export interface HostileCase {
  name: string;
  build(): { payload: string | Buffer; ref?: string };
  reason: RegExp;
}

/** Everything here must come back as a `rejected`, on either command topic. */
export const hostileCases: HostileCase[] = [
  {
    name: "invalid JSON (no ref: the id cannot be read)",
    build: () => ({ payload: JSON.stringify(command("status.request", {}).json).slice(0, -9) }),
    reason: /^invalid command: not UTF-8 JSON: /,
  },
  {
    name: "a 1 MiB payload (refused before parsing, so no ref)",
    build: () => {
      const { json } = command("message", { text: "" });
      const text = JSON.stringify(json);
      const filler = "A".repeat(1024 * 1024 - Buffer.byteLength(text));
      return { payload: text.replace('"text":""', `"text":"${filler}"`) };
    },
    reason: /^invalid command: payload of 1048576 bytes exceeds 65536$/,
  },
  {
    name: "one byte over 64 KiB",
    build: () => ({ payload: `"${"B".repeat(64 * 1024 - 1)}"` }),
    reason: /payload of 65537 bytes exceeds 65536/,
  },
  {
    name: "v as a string",
    build: () => {
      const { id, json } = command("status.request", {}, { v: "1" });
      return { payload: JSON.stringify(json), ref: id };
    },
    reason: /^invalid command: v: /,
  },
  {
    name: "ack.ref as a number",
    build: () => {
      const { id, json } = command("ack", { ref: 12345 });
      return { payload: JSON.stringify(json), ref: id };
    },
    reason: /^invalid command: body\.ref: .*expected string/,
  },
  {
    name: "mission.assign with a numeric priority and a string address",
    build: () => {
      const { id, json } = command("mission.assign", {
        missionId: "M-1",
        priority: 1,
        reason: "chest pain",
        address: "12 rue Sainte-Catherine",
      });
      return { payload: JSON.stringify(json), ref: id };
    },
    reason: /body\.priority: .*body\.address: /,
  },
  {
    name: "id as a number (no ref)",
    build: () => ({ payload: JSON.stringify(command("status.request", {}, { id: 42 }).json) }),
    reason: /^invalid command: id: /,
  },
  {
    name: "a status.request for another vehicle (envelope dst)",
    build: () => {
      const { id, json } = command("status.request", {}, { dst: "BDX-08" });
      return { payload: JSON.stringify(json), ref: id };
    },
    reason: /^wrong vehicle: command targets BDX-08, this is BDX-07$/,
  },
  {
    name: "a status.request for another vehicle (body.vehicle)",
    build: () => {
      const { id, json } = command("status.request", { vehicle: "BDX-08" });
      return { payload: JSON.stringify(json), ref: id };
    },
    reason: /^wrong vehicle: command targets BDX-08, this is BDX-07$/,
  },
  {
    name: "a command whose src is a car, not dispatch",
    build: () => {
      const { id, json } = command("status.request", {}, { src: "BDX-08" });
      return { payload: JSON.stringify(json), ref: id };
    },
    reason: /^commands come from dispatch, not BDX-08$/,
  },
  {
    name: "an unknown type",
    build: () => {
      const { id, json } = command("self.destruct", {});
      return { payload: JSON.stringify(json), ref: id };
    },
    reason: /^unknown command type "self\.destruct"$/,
  },
  {
    name: "a car message type sent as a command",
    build: () => {
      const { id, json } = command("position", { fixTime: new Date().toISOString(), lat: 1, lon: 1 });
      return { payload: JSON.stringify(json), ref: id };
    },
    reason: /^unknown command type "position"$/,
  },
  {
    name: "a mission.cancel for a mission the car does not have",
    build: () => {
      const { id, json } = command("mission.cancel", { missionId: "M-404", reason: "patient called back" });
      return { payload: JSON.stringify(json), ref: id };
    },
    reason: /^unknown mission M-404$/,
  },
  ...["[]", '"x"', "null", "42"].map((payload) => ({
    name: `the non-object JSON ${payload}`,
    build: () => ({ payload }),
    reason: /^invalid command: \(root\): /,
  })),
  {
    name: "binary bytes that are not UTF-8",
    build: () => ({ payload: Buffer.from([0xff, 0xfe, 0x00, 0x9f, 0x92, 0x96, 0xc3, 0x28]) }),
    reason: /^invalid command: not UTF-8 JSON: /,
  },
  {
    name: "an invalid UTF-8 byte inside a string (no ref: the payload cannot be decoded)",
    build: () => {
      const [head, tail] = JSON.stringify(command("message", { text: "@" }).json).split("@");
      return {
        payload: Buffer.concat([Buffer.from(head ?? ""), Buffer.from([0xc3, 0x28]), Buffer.from(tail ?? "")]),
      };
    },
    reason: /^invalid command: not UTF-8 JSON: /,
  },
  {
    name: "a body nested 20,000 arrays deep",
    build: () => {
      const { id, json } = command("status.request", "@");
      return { payload: JSON.stringify(json).replace('"@"', nested(20_000, "[", "]")), ref: id };
    },
    reason: /^invalid command: body: .*expected object/,
  },
  {
    name: "a document nested 30,000 arrays deep",
    build: () => ({ payload: nested(30_000, "[", "]") }),
    reason: /^invalid command: \(root\): /,
  },
  {
    name: "a 60,000-character message text",
    build: () => {
      const { id, json } = command("message", { text: "C".repeat(60_000) });
      return { payload: JSON.stringify(json), ref: id };
    },
    reason: /^invalid command: body\.text: at most 4000 characters$/,
  },
  {
    name: "a 60,000-character type (the reason quotes it cut short)",
    build: () => {
      const { id, json } = command("D".repeat(60_000), {});
      return { payload: JSON.stringify(json), ref: id };
    },
    reason: /^unknown command type "D{63}…"$/,
  },
  {
    name: "a 60,000-character id (no ref: not an id)",
    build: () => ({
      payload: JSON.stringify(command("status.request", {}, { id: "E".repeat(60_000) }).json),
    }),
    reason: /^invalid command: id: /,
  },
];
