/**
 * Acceptance (issue 10) against a real mosquitto and a real Core (SQLite in a temp dir, positions
 * replayed from a drive capture): a doctor of the profile's roster signs in, answers the shift-start
 * checklist and does a mission; dispatch sees the doctor's RPPS on the retained presence and status
 * and receives `shift started`; sign-out gives `shift ended` with the summary; then dispatch's
 * `roster` replaces the roster: a new doctor can sign in, a removed one cannot.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureText } from "../../../apps/sim/drive/capture.ts";
import { Core } from "../../../src/app/core.ts";
import { createLogger } from "../../../src/app/logger.ts";
import { loadVehicleProfile } from "../../../src/app/profile-loader.ts";
import { configSchema } from "../../../src/contracts/config.ts";
import { carMessageSchema } from "../../../src/contracts/messages.ts";
import { FileLineSource } from "../../../src/io/file-line-source.ts";
import { encodePinHash } from "../../../src/services/pin-verifier.ts";
import { systemClock } from "../../../src/services/ports.ts";
import { ShiftError } from "../../../src/services/shift-errors.ts";
import { ScryptPinHasher } from "../../../src/store/scrypt-pin-hasher.ts";
import { assignBody, commandPayload, missionTopic } from "../../support/mission-dispatch.ts";
import { Mosquitto } from "../../support/mosquitto.ts";
import { waitUntil } from "../../support/socat.ts";

const root = join(import.meta.dirname, "../../..");
const logger = createLogger({ name: "shift-flow-test", level: "silent" });
const claire = { rpps: "19999900012", name: "Dr Claire Fictive" };
const newcomer = { rpps: "19999900046", name: "Dr Nouvelle Venue" };

interface Received {
  topic: string;
  retain: boolean;
  id: string;
  type: string;
  seq?: number;
  body: Record<string, unknown>;
}

describe("shifts through a real broker", () => {
  let broker: Mosquitto;
  let dir: string;
  let dispatch: mqtt.MqttClient;
  let core: Core;
  const received: Received[] = [];

  beforeAll(async () => {
    broker = await Mosquitto.start();
    dir = mkdtempSync(join(tmpdir(), "sosm-shift-flow-"));
  });
  afterAll(async () => {
    await core?.stop();
    await dispatch?.endAsync();
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = (type: string, body: unknown) =>
    dispatch.publishAsync(missionTopic, commandPayload(type, body), { qos: 1 });
  const has = (predicate: (m: Received) => boolean) => received.some(predicate);
  const last = (type: string) => received.filter((m) => m.type === type).at(-1);
  const doctorOf = (m: Received | undefined) => (m?.body.doctor as { rpps?: string } | undefined)?.rpps;
  const ok = <T extends { ok: boolean }>(result: T): T => {
    expect(result.ok, JSON.stringify(result)).toBe(true);
    return result;
  };

  it("carries the doctor from sign-in to the shift summary, and obeys dispatch's roster", async () => {
    const capture = join(dir, "drive.nmea");
    writeFileSync(capture, captureText({ durationS: 1800, outages: [] }));
    const config = configSchema.parse({
      fleet: "bordeaux",
      vehicle: "BDX-07",
      profile: "bdx-07",
      dataDir: join(dir, "data"),
      equipment: { port: join(dir, "no-controller") },
      mqtt: { url: broker.url, keepaliveSeconds: 5, reconnectMaxSeconds: 1 },
      shifts: { policy: "block" },
    });
    const profile = loadVehicleProfile(join(root, "hardware/profiles/bdx-07.json"));
    core = new Core({
      config,
      profile,
      logger,
      clock: systemClock,
      gnssSource: new FileLineSource({ path: capture, logger, pacing: { kind: "rate", linesPerSecond: 70 } }),
    });
    dispatch = await mqtt.connectAsync(broker.url, { clientId: "sosm-dispatch-shifts", protocolVersion: 5 });
    dispatch.on("message", (topic, payload, packet) =>
      received.push({ ...(JSON.parse(payload.toString()) as Received), topic, retain: packet.retain }),
    );
    await dispatch.subscribeAsync("sosm/v1/bordeaux/BDX-07/+", { qos: 1 });
    const { shifts, missions } = core;
    await shifts.doctors.enrolPin(claire.rpps, "2580");
    core.start();
    await waitUntil(() => core.dispatch.link.isConnected(), "the car connected", 15_000);
    await waitUntil(() => missions.currentPosition() !== null, "a first fix", 15_000);
    await waitUntil(() => has((m) => m.type === "presence" && m.body.state === "online"), "birth presence");

    // Sign-in: `shift started`, the presence names the doctor; the checklist gates `available`.
    const signedIn = await shifts.service.signIn({ rpps: claire.rpps, pin: "2580" });
    expect(signedIn.checklist?.map((item) => item.id)).toEqual(
      profile.checks.shiftStart.items.map((item) => item.id),
    );
    await waitUntil(() => has((m) => m.type === "shift" && m.body.state === "started"), "shift started");
    await waitUntil(() => doctorOf(last("presence")) === claire.rpps, "presence with the doctor's RPPS");
    expect(last("shift")?.body).toMatchObject({ doctor: claire, shiftId: signedIn.shift.shiftId });
    expect(missions.status.setStatus("available").ok).toBe(false);
    const overdue = () =>
      (core.equipment?.verdict().items ?? []).flatMap((item) =>
        item.findings.filter((f) => f.reason.code === "check_overdue").map(() => item.id),
      );
    expect(overdue()).toContain("drug-kit"); // no technician run in this fresh car
    shifts.service.completeShiftStart(
      profile.checks.shiftStart.items.map((item) => ({ checkId: item.id, result: "pass" as const })),
    );
    ok(missions.status.setStatus("available"));
    // The doctor's answers count as the shift-start checks in the equipment readiness too.
    await waitUntil(
      () => !overdue().includes("drug-kit"),
      "the doctor's checklist read by the equipment monitor",
    );

    // A mission: every status carries the doctor.
    await send("mission.assign", assignBody("M-300"));
    await waitUntil(() => missions.desk.get("M-300")?.state === "received", "mission received");
    ok(missions.desk.displayed("M-300"));
    ok(missions.desk.accept("M-300"));
    for (const key of ["en_route", "on_scene", "with_patient", "visit_done"] as const)
      ok(missions.status.setStatus(key));
    ok(
      missions.reports.submit("M-300", {
        outcome: "treated_at_home",
        summary: "Angine, traitement symptomatique",
        consumables: [
          { item: "Abaisse-langue", qty: 2 },
          { item: "abaisse-langue", qty: 1 },
        ],
      }),
    );
    ok(missions.status.setStatus("available"));
    await waitUntil(
      () => received.filter((m) => m.type === "status").length >= 6,
      "every status at dispatch",
    );
    const statuses = received.filter((m) => m.type === "status" && m.body.key !== undefined);
    expect(statuses.every((m) => doctorOf(m) === claire.rpps)).toBe(true);

    // Sign-out: `shift ended` with the summary; presence and status no longer name anyone.
    const ended = shifts.service.signOut();
    await waitUntil(() => has((m) => m.type === "shift" && m.body.state === "ended"), "shift ended");
    const summary = last("shift")?.body.summary as Record<string, unknown>;
    expect(summary).toMatchObject({
      missions: [expect.objectContaining({ missionId: "M-300", outcome: "treated_at_home" })],
      restock: [{ item: "Abaisse-langue", qty: 3 }],
    });
    expect(summary.distanceKm).toBe(Math.round((ended.summary?.distanceM ?? 0) / 100) / 10);
    expect((summary.statusTimes as Array<{ key: string }>).map((t) => t.key)).toEqual(
      expect.arrayContaining(["available", "en_route", "on_scene", "with_patient"]),
    );
    await waitUntil(
      () => last("presence") !== undefined && doctorOf(last("presence")) === undefined,
      "presence without doctor",
    );
    await waitUntil(() => doctorOf(last("status")) === undefined, "status without doctor");

    // The roster from dispatch: the newcomer with a PIN hash, Claire left out.
    const pinHash = encodePinHash(await new ScryptPinHasher().hash("4321"));
    await send("roster", { doctors: [{ ...newcomer, pinHash }], allowUnknown: false });
    await waitUntil(() => shifts.doctors.doctor(newcomer.rpps)?.inRoster === true, "roster applied");
    const refused = await shifts.service.signIn({ rpps: claire.rpps, pin: "2580" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ShiftError);
    expect((refused as ShiftError).code).toBe("unknown_doctor");
    await shifts.service.signIn({ rpps: newcomer.rpps, pin: "4321" });
    await waitUntil(() => doctorOf(last("presence")) === newcomer.rpps, "presence names the newcomer");

    // Every durable message is valid and none was refused.
    for (const message of received.filter((m) => !m.topic.endsWith("/cmd")))
      expect(carMessageSchema.safeParse(message).success, message.type).toBe(true);
    expect(received.filter((m) => m.type === "rejected")).toEqual([]);
    // The retained state a console connecting now would read.
    const late = await mqtt.connectAsync(broker.url, { clientId: "sosm-dispatch-late", protocolVersion: 5 });
    const retained: Received[] = [];
    late.on("message", (topic, payload) =>
      retained.push({ ...(JSON.parse(payload.toString()) as Received), topic, retain: true }),
    );
    await late.subscribeAsync("sosm/v1/bordeaux/BDX-07/presence", { qos: 1 });
    await waitUntil(() => retained.length > 0, "retained presence");
    expect(doctorOf(retained[0])).toBe(newcomer.rpps);
    await late.endAsync();
  }, 90_000);
});
