/**
 * Acceptance (issue 3): hostile commands. A dispatch client publishes garbage and attacks to the
 * car's own `cmd` topic and to the fleet's `_all/cmd`, against a real Core (SQLite file in a temp
 * dir) on a real mosquitto. Each refusal is a `rejected` event (`ref` when the id could be read, a
 * reason a person understands) plus a log line; the core keeps answering `status.request`; and the
 * SQLite file holds nothing twice.
 *
 * Replays, as src/services/command-inbox.ts does them (PROTOCOL.md A: "receivers de-duplicate on
 * it"): an id is applied once. A later copy, on either topic and after a restart too (the dedupe
 * table is in the file), is SILENTLY IGNORED: no second effect, no `rejected`, no re-answer. The
 * refusal of a refused id is not repeated either.
 *
 * "Nothing happened" is only observable against a barrier: commands of an unknown type whose
 * `rejected` comes back after whatever the commands before them caused (see `barrier`).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Core } from "../../../src/app/core.ts";
import { createLogger } from "../../../src/app/logger.ts";
import { loadVehicleProfile } from "../../../src/app/profile-loader.ts";
import { configSchema } from "../../../src/contracts/config.ts";
import { cmdTopic, fleetCmdTopic } from "../../../src/contracts/ids.ts";
import { FileLineSource } from "../../../src/io/file-line-source.ts";
import { systemClock } from "../../../src/services/ports.ts";
import type { MqttDispatchLink } from "../../../src/transport/mqtt-dispatch-link.ts";
import { Mosquitto } from "../../support/mosquitto.ts";
import { waitUntil } from "../../support/socat.ts";
import { command, hostileCases } from "./hostile-payloads.ts";

const root = join(import.meta.dirname, "../../..");
const fleet = "bordeaux";
const vehicle = "BDX-07";
const ownTopic = cmdTopic(fleet, vehicle);
const fleetTopic = fleetCmdTopic(fleet);

interface Message {
  id: string;
  type: string;
  seq?: number;
  body: { ref?: string; reason?: string; missionId?: string; state?: string };
}

const logLines: Array<{ msg?: string; reason?: string; ref?: string | null }> = [];
const logger = createLogger({
  name: "hostile-test",
  level: "info",
  destination: { write: (line: string) => void logLines.push(JSON.parse(line)) },
});

describe("hostile commands from dispatch", () => {
  let broker: Mosquitto;
  let dir: string;
  let dispatch: mqtt.MqttClient;
  let core: Core;
  let db: Database.Database;
  /** Everything dispatch received on the car's `events` topic, in arrival order. */
  const events: Message[] = [];
  const rejected = () => events.filter((m) => m.type === "rejected");
  /** Live `position` messages (not the retained copy sent at subscribe): the answers to status.request. */
  const answers: Message[] = [];
  /** Every id the car accepted or refused: what inbox_seen must hold, once each. */
  const seen = new Set<string>();
  let cursor = 0;
  /** Payloads of the replay tests, sent again after the restart. */
  const replayed: string[] = [];

  function buildCore(): Core {
    const config = configSchema.parse({
      fleet,
      vehicle,
      profile: "bdx-07",
      dataDir: join(dir, "data"),
      equipment: { port: join(dir, "no-controller") },
      http: { port: 0 },
      mqtt: { url: broker.url, keepaliveSeconds: 5, reconnectMaxSeconds: 1 },
    });
    const quietReceiver = join(dir, "no-fix.nmea");
    writeFileSync(quietReceiver, "# a receiver that says nothing\r\n");
    const built = new Core({
      config,
      profile: loadVehicleProfile(join(root, "hardware/profiles/bdx-07.json")),
      logger,
      clock: systemClock,
      gnssSource: new FileLineSource({ path: quietReceiver, logger }),
    });
    // The last known position, so that a status.request has a position to answer with.
    if (built.track.count() === 0) {
      const fix = { fixTime: new Date().toISOString(), lat: 44.8412, lon: -0.5736, fix: "3d" as const };
      built.track.append([{ fix, receivedAt: Date.now() - 60_000 }]);
    }
    return built;
  }

  /** Starts a core; ready once subscribed and its position re-published on connect. */
  async function startCore(): Promise<void> {
    const before = answers.length;
    core = buildCore();
    core.start();
    const link = core.dispatch.link as MqttDispatchLink;
    await waitUntil(
      () => [...link.subscriptions().values()].every((code) => code === 1) && answers.length > before,
      "the car subscribed and online",
      20_000,
    );
  }

  async function publish(topic: string, payload: string | Buffer): Promise<void> {
    await dispatch.publishAsync(topic, payload, { qos: 1 });
  }

  async function nextRejected(): Promise<Message> {
    await waitUntil(() => rejected().length > cursor, "a rejected event", 15_000);
    return rejected()[cursor++] as Message;
  }

  async function expectAnswer(topic: string): Promise<void> {
    const before = answers.length;
    const { id, json } = command("status.request", {});
    seen.add(id);
    await publish(topic, JSON.stringify(json));
    await waitUntil(() => answers.length > before, "the car answers a status.request", 15_000);
  }

  /**
   * Two fresh commands of an unknown type, the second sent once the first is refused. Commands that
   * reach the car in one TCP read are handled in one turn, and what they cause is published in an
   * order of their microtasks (an outbox kick may overtake a live position). When the first
   * `rejected` is back, every earlier command has been handled and all it caused handed to the
   * socket; the second is handled in a later turn, so its `rejected` arrives behind all of that.
   */
  async function barrier(): Promise<void> {
    for (let i = 0; i < 2; i++) {
      const { id, json } = command("barrier.check", {});
      seen.add(id);
      await publish(ownTopic, JSON.stringify(json));
      expect((await nextRejected()).body.ref).toBe(id);
    }
  }

  const count = (sql: string, ...params: unknown[]) =>
    db
      .prepare(sql)
      .pluck()
      .get(...params) as number;

  beforeAll(async () => {
    // The test broker's own limit (1 MiB) would refuse the 1 MiB command before the car sees it, as
    // the production broker (70000 B, hardware/mosquitto) does: raise it to test the car's limit.
    broker = await Mosquitto.start({ extraConfig: ["max_packet_size 4194304"] });
    dir = mkdtempSync(join(tmpdir(), "sosm-hostile-"));
    dispatch = await mqtt.connectAsync(broker.url, { clientId: "sosm-dispatch-hostile", protocolVersion: 5 });
    dispatch.on("message", (topic, payload, packet) => {
      const message = JSON.parse(payload.toString()) as Message;
      if (topic.endsWith("/events")) events.push(message);
      else if (!packet.retain) answers.push(message);
    });
    await dispatch.subscribeAsync({
      [`sosm/v1/${fleet}/${vehicle}/events`]: { qos: 1 },
      [`sosm/v1/${fleet}/${vehicle}/position`]: { qos: 0 },
    });
    await startCore();
    db = new Database(join(dir, "data", "core.sqlite"), { readonly: true });
  });

  afterAll(async () => {
    db?.close();
    await core?.stop();
    await dispatch?.endAsync();
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe.each([
    ["the car's own cmd topic", ownTopic],
    ["the fleet's _all/cmd", fleetTopic],
  ])("on %s", (_where, topic) => {
    it.each(hostileCases)("refuses $name, says why, logs it, and still answers", async (hostile) => {
      const { payload, ref } = hostile.build();
      if (ref !== undefined) seen.add(ref);
      await publish(topic, payload);
      const answer = await nextRejected();
      expect(answer.body.ref).toBe(ref);
      expect(answer.body.reason).toMatch(hostile.reason);
      expect(answer.body.reason?.length).toBeLessThanOrEqual(1000);
      const logged = logLines.filter((l) => l.msg === "command rejected" && l.reason === answer.body.reason);
      expect(logged.map((l) => l.ref ?? undefined)).toContain(ref);
      await expectAnswer(topic);
    });
  });

  it("applies a status.request with a deeply nested unknown field: added fields are stripped", async () => {
    const before = answers.length;
    const { id, json } = command("status.request", "@");
    seen.add(id);
    const deep = `${'{"x":'.repeat(10_000)}{}${"}".repeat(10_000)}`;
    await publish(ownTopic, JSON.stringify(json).replace('"@"', deep));
    await barrier();
    expect(answers.length).toBe(before + 1);
  });

  it("never sees a command published on another car's topic: it subscribes to its own only", async () => {
    const before = answers.length;
    const other = cmdTopic(fleet, "BDX-08");
    await publish(other, JSON.stringify(command("status.request", {}).json));
    await publish(other, JSON.stringify(command("self.destruct", {}).json));
    await barrier();
    expect(answers.length).toBe(before);
  });

  it("answers a status.request once: copies 2 and 3, and one on _all, are silently ignored", async () => {
    const before = answers.length;
    const stats = core.dispatch.inbox.stats();
    const { id, json } = command("status.request", {});
    seen.add(id);
    for (const topic of [ownTopic, ownTopic, ownTopic, fleetTopic])
      await publish(topic, JSON.stringify(json));
    await barrier();
    expect(answers.length).toBe(before + 1);
    expect(core.dispatch.inbox.stats()).toMatchObject({
      applied: stats.applied + 1,
      duplicate: stats.duplicate + 3,
    });
    replayed.push(JSON.stringify(json));
  });

  it("stores a replayed mission.assign once and acknowledges it once, with no rejected", async () => {
    const acks = count("SELECT COUNT(*) FROM deliveries WHERE type = 'mission.ack'");
    const { id, json } = command("mission.assign", {
      missionId: "M-REPLAY",
      priority: "P1",
      reason: "douleur thoracique",
      address: { text: "12 rue Sainte-Catherine, Bordeaux" },
    });
    seen.add(id);
    // Without de-duplication, copy 2 would be refused "already assigned" and the _all copy "sent to
    // the whole fleet": a replay must be recognised before any handler runs.
    for (const topic of [ownTopic, ownTopic, ownTopic, fleetTopic])
      await publish(topic, JSON.stringify(json));
    await barrier();
    expect(count("SELECT COUNT(*) FROM missions WHERE id = 'M-REPLAY'")).toBe(1);
    expect(count("SELECT COUNT(*) FROM deliveries WHERE type = 'mission.ack'")).toBe(acks + 1);
    const missionAcks = events.filter((m) => m.type === "mission.ack" && m.body.missionId === "M-REPLAY");
    expect(missionAcks.map((m) => m.body.state)).toEqual(["received"]);
    replayed.push(JSON.stringify(json));
  });

  it("marks a delivery received on dispatch's first ack; replays of the ack change nothing", async () => {
    const event = events.find((m) => m.type === "mission.ack" && m.body.missionId === "M-REPLAY") as Message;
    const stateOf = () => db.prepare("SELECT state, received_at FROM deliveries WHERE id = ?").get(event.id);
    const { id, json } = command("ack", { ref: event.id });
    seen.add(id);
    await publish(ownTopic, JSON.stringify(json));
    await waitUntil(() => (stateOf() as { state: string }).state === "received", "the ack applied");
    const first = stateOf();
    await publish(ownTopic, JSON.stringify(json));
    await publish(fleetTopic, JSON.stringify(json));
    await barrier();
    expect(stateOf()).toEqual(first);
    replayed.push(JSON.stringify(json));
  });

  it("refuses a refused id once: its replays get no second rejected", async () => {
    const { id, json } = command("self.destruct", {});
    seen.add(id);
    await publish(ownTopic, JSON.stringify(json));
    expect((await nextRejected()).body.ref).toBe(id);
    await publish(ownTopic, JSON.stringify(json));
    await publish(fleetTopic, JSON.stringify(json));
    await barrier();
    replayed.push(JSON.stringify(json));
  });

  it("still ignores every replayed id after a restart: the dedupe table is in the SQLite file", async () => {
    await core.stop();
    await startCore();
    const before = answers.length;
    const seenRows = count("SELECT COUNT(*) FROM inbox_seen");
    const sent = "SELECT COUNT(*) FROM deliveries WHERE type IN ('rejected', 'mission.ack')";
    const sentBefore = count(sent);
    expect(replayed).toHaveLength(4);
    for (const payload of replayed) {
      await publish(ownTopic, payload);
      await publish(fleetTopic, payload);
    }
    await barrier();
    expect(answers.length).toBe(before);
    expect(core.dispatch.inbox.stats()).toMatchObject({ applied: 0, duplicate: 8, failed: 0 });
    expect(count("SELECT COUNT(*) FROM inbox_seen")).toBe(seenRows + 2); // the barrier's
    expect(count(sent)).toBe(sentBefore + 2); // the barrier's
    await expectAnswer(fleetTopic);
  });

  it("stores nothing twice: one inbox_seen row per id, one delivery per event, every event once", async () => {
    await waitUntil(() => count("SELECT COUNT(*) FROM outbox") === 0, "the outbox drained");
    const seenIds = db.prepare("SELECT id FROM inbox_seen").pluck().all() as string[];
    expect([...seenIds].sort()).toEqual([...seen].map((id) => id.toLowerCase()).sort());
    // One delivery row per message put in the outbox, seq 1..N without a gap (PROTOCOL.md A).
    const seqs = db.prepare("SELECT seq FROM deliveries ORDER BY seq").pluck().all() as number[];
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const rejectedIds = db.prepare("SELECT id FROM deliveries WHERE type = 'rejected'").pluck().all();
    expect(
      rejected()
        .map((m) => m.id)
        .sort(),
    ).toEqual([...rejectedIds].sort());
    expect(new Set(events.map((m) => m.id)).size).toBe(events.length);
    const refs = rejected().flatMap((m) => (m.body.ref === undefined ? [] : [m.body.ref]));
    expect(new Set(refs).size).toBe(refs.length);
    expect(cursor).toBe(rejected().length);
  });
});
