/**
 * Fuzz target: the car's MQTT command inbox (src/services/command-inbox.ts `CommandInbox.handle`),
 * the function that takes dispatch's raw `(topic, payload)` off the broker, on the real core with
 * its real handlers (missions, messages, roster, status requests) and its real SQLite file.
 *
 * Input: `<topic>\n<payload bytes>` (no newline: the whole input is the payload on the car's own
 * command topic). Crash: `handle` throws (documented never to), answers `failed` (a store failure,
 * impossible on a healthy file), or the core logs an error (a handler that failed other than by
 * refusing). Seeds: the command examples of docs/protocol/examples on the car's and the fleet's
 * topics. Repair: a fresh message id and time, so that a mutant is not a duplicate of its parent.
 */
import { newMessageId } from "../../../../src/contracts/message-id.ts";
import { FuzzCrash, type FuzzTarget } from "../coverage-fuzzer.ts";
import { mutateJsonText, type Rng } from "../mutators.ts";
import { type FuzzCar, startFuzzCar } from "./car-rig.ts";
import { commandExamples, protocolWords } from "./protocol-samples.ts";

const ownTopic = "sosm/v1/bordeaux/BDX-07/cmd";
const topics = [
  ownTopic,
  "sosm/v1/bordeaux/_all/cmd",
  "sosm/v1/bordeaux/BDX-08/cmd",
  "sosm/v1/lyon/BDX-07/cmd",
  "sosm/v1/bordeaux/BDX-07/status",
  "sosm/v2/bordeaux/BDX-07/cmd",
  "sosm/v1/bordeaux/BDX-07/cmd/extra",
  "",
];
const outcomes = new Set(["applied", "duplicate", "rejected"]);

function split(input: Uint8Array): { topic: string; payload: Uint8Array } {
  const newline = input.indexOf(0x0a);
  if (newline < 0) return { topic: ownTopic, payload: input };
  return {
    topic: Buffer.from(input.subarray(0, newline)).toString("utf8"),
    payload: input.subarray(newline + 1),
  };
}

function join(topic: string, payload: Uint8Array | string): Uint8Array {
  return Buffer.concat([Buffer.from(`${topic}\n`), Buffer.from(payload)]);
}

/** A fresh id and time: dedupe would otherwise stop most mutants at the door. */
function refresh(payload: Uint8Array): Uint8Array | null {
  try {
    const json = JSON.parse(Buffer.from(payload).toString("utf8")) as unknown;
    if (typeof json !== "object" || json === null || Array.isArray(json)) return null;
    const now = Date.now();
    return Buffer.from(JSON.stringify({ ...json, id: newMessageId(now), ts: new Date(now).toISOString() }));
  } catch {
    return null;
  }
}

export function commandInboxTarget(): FuzzTarget {
  let car: FuzzCar | null = null;
  return {
    name: "command-inbox",
    sources: ["/src/services/", "/src/contracts/", "/src/domain/", "/src/store/"],
    maxInputBytes: 8192,
    dictionary: [
      ...protocolWords.map((word) => `"${word}"`),
      ...topics.filter((t) => t !== ""),
      "\n",
      ":",
      "{",
      "}",
      "[",
      "]",
    ],
    async setup() {
      car = await startFuzzCar();
    },
    seeds: () => commandExamples().flatMap((json) => topics.slice(0, 2).map((topic) => join(topic, json))),
    mutate(input: Uint8Array, rng: Rng) {
      const { topic, payload } = split(input);
      if (rng.chance(0.1)) return join(rng.pick(topics), payload);
      const mutated = mutateJsonText(Buffer.from(payload).toString("utf8"), rng, protocolWords);
      return mutated === null ? null : join(topic, mutated);
    },
    fixup(input: Uint8Array) {
      const { topic, payload } = split(input);
      const fresh = refresh(payload);
      return fresh === null ? input : join(topic, fresh);
    },
    exec(input) {
      if (car === null) throw new Error("setup() first");
      const { topic, payload } = split(input);
      car.errors.reset();
      const outcome = car.rig.core.dispatch.inbox.handle(topic, payload);
      if (!outcomes.has(outcome)) throw new FuzzCrash(`inbox answered ${outcome}`);
      car.errors.throwIfAny();
    },
    async teardown() {
      await car?.rig.close();
    },
  };
}
