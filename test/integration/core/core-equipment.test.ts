/**
 * Acceptance (issue 5), through the real terminal core: the controller emulator on one end of a real
 * socat pty pair, the core's serial source, $PSOS driver and readiness monitor on the other, a real
 * SQLite file and a real mosquitto. Each scenario must change the readiness within 2 s of the
 * record that triggers it, measured from the moment the emulator wrote that record to the line
 * (so the pty, the serial source and the driver are all inside the 2 s); unplugging the controller
 * turns every sensor item unknown, and replugging recovers them. Emulator speed factors keep the
 * whole file well under a minute.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ControllerEmulator } from "../../../firmware-bridge/src/emulator.ts";
import type { PsosLink } from "../../../firmware-bridge/src/ports.ts";
import { decodePsos, splitPsosCandidates } from "../../../firmware-bridge/src/psos-codec.ts";
import { type ScenarioName, scenarios } from "../../../firmware-bridge/src/scenarios.ts";
import { Core } from "../../../src/app/core.ts";
import { createLogger } from "../../../src/app/logger.ts";
import { loadVehicleProfile } from "../../../src/app/profile-loader.ts";
import { configSchema } from "../../../src/contracts/config.ts";
import { newMessageId } from "../../../src/contracts/message-id.ts";
import { equipmentMessage } from "../../../src/contracts/messages.ts";
import type { PsosRecord } from "../../../src/contracts/psos.ts";
import type { VehicleProfile } from "../../../src/contracts/vehicle-profile.ts";
import type { ReadinessVerdict } from "../../../src/domain/equipment/readiness-verdict.ts";
import type { CheckRecord } from "../../../src/domain/equipment/technician-checks.ts";
import { SerialLineSource } from "../../../src/io/serial-line-source.ts";
import { systemClock } from "../../../src/services/ports.ts";
import { Mosquitto } from "../../support/mosquitto.ts";
import { SocatPair, waitUntil } from "../../support/socat.ts";

const root = join(import.meta.dirname, "../../..");
const bdx07 = loadVehicleProfile(join(root, "hardware/profiles/bdx-07.json"));
const logger = createLogger({ name: "test-core-equipment", level: "silent" });
const sensorIds = ["ecg", "bavu", "o2-b5", "drug-storage", "power"];
const equipmentTopic = "sosm/v1/bordeaux/BDX-07/equipment";

interface Written {
  record: PsosRecord;
  at: number;
}
interface Change {
  verdict: ReadinessVerdict;
  at: number;
}

let broker: Mosquitto;
const cleanups: Array<() => Promise<void>> = [];
beforeAll(async () => {
  broker = await Mosquitto.start();
});
afterAll(async () => {
  await broker?.close();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The core on one end of a pty pair, every technician check passed, and the emulator on the other end. */
async function rig(scenario: ScenarioName, speed: number, profile: VehicleProfile = bdx07) {
  const pair = await SocatPair.start();
  cleanups.push(() => pair.close());
  const dataDir = mkdtempSync(join(tmpdir(), "sosm-core-equipment-"));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const config = configSchema.parse({
    fleet: "bordeaux",
    vehicle: "BDX-07",
    profile: "bdx-07",
    dataDir,
    gnss: { port: join(dataDir, "no-receiver") },
    equipment: { port: pair.a },
    mqtt: { url: broker.url, keepaliveSeconds: 5, reconnectMaxSeconds: 1 },
  });
  const passedAt = Date.now();
  const checks = Object.fromEntries(
    Object.values(profile.checks).flatMap((list) =>
      list.items.map((check): [string, CheckRecord] => [check.id, { at: passedAt, result: "pass" }]),
    ),
  );
  const core = new Core({
    config,
    profile,
    logger,
    clock: systemClock,
    checkHistory: { latestByCheck: () => checks },
  });
  const monitor = core.equipment;
  const driver = core.equipmentDriver;
  if (monitor === null || driver === null) throw new Error("equipment readiness is off");
  const changes: Change[] = [];
  monitor.onVerdict((verdict, change) => changes.push({ verdict, at: change.at }));
  core.start();
  cleanups.push(() => core.stop());
  await waitUntil(() => {
    const state = driver.linkState();
    return state.state === "connecting" && state.portOpen;
  }, "the core to open its end");

  // The controller's end; the wrapper notes when each record was handed to the line.
  const ctl = new SerialLineSource({
    path: pair.b,
    baudRate: 9600,
    logger,
    backoff: { initialMs: 200, maxMs: 1000 },
  });
  const written: Written[] = [];
  const link: PsosLink = {
    start: () => ctl.start(),
    stop: () => ctl.stop(),
    onLine: (listener) => ctl.onLine(listener),
    onStatus: (listener) => ctl.onStatus(listener),
    status: () => ctl.status(),
    writeLine: (line) => {
      const at = Date.now();
      for (const candidate of splitPsosCandidates(line)) {
        const decoded = decodePsos(candidate);
        if (decoded.ok) written.push({ record: decoded.record, at });
      }
      return ctl.writeLine(line);
    },
  };
  const emulator = new ControllerEmulator({ link, scenario: scenarios[scenario], logger, speed });
  // The controller's port open first: its boot burst (every record at t = 0) must reach the core.
  ctl.start();
  cleanups.push(() => ctl.stop());
  await waitUntil(() => ctl.status().state === "connected", "the controller's end to open");
  emulator.start();
  cleanups.push(() => emulator.stop());
  const itemOf = (verdict: ReadinessVerdict, id: string) => verdict.items.find((item) => item.id === id);
  const sensorsOk = (verdict = monitor.verdict()) =>
    sensorIds.every((id) => itemOf(verdict, id)?.state === "ok");
  await waitUntil(() => sensorsOk(), "every sensor item ok", 10_000);

  /**
   * Waits for the first verdict where `id` is `state` for `code`, and checks that it came within
   * 2 s of the first record written (after `since`) that triggers it. Returns the latency.
   */
  async function expectChange(
    id: string,
    state: string,
    code: string,
    trigger: (record: PsosRecord) => boolean,
    timeoutMs = 15_000,
  ): Promise<number> {
    const matches = (change: Change) => {
      const item = itemOf(change.verdict, id);
      return item?.state === state && item.findings.some((finding) => finding.reason.code === code);
    };
    await waitUntil(() => changes.some(matches), `${id} ${state} (${code})`, timeoutMs);
    const change = changes.find(matches) as Change;
    const cause = written.find((w) => trigger(w.record));
    expect(cause, `the record that makes ${id} ${state}`).toBeDefined();
    const latency = change.at - (cause as Written).at;
    console.info(`${scenario}: ${id} ${state} (${code}) ${latency} ms after the record was written`);
    expect(latency).toBeGreaterThanOrEqual(0);
    expect(latency).toBeLessThan(2000);
    return latency;
  }
  return { pair, core, monitor, driver, emulator, written, changes, sensorsOk, itemOf, expectChange };
}

const codesOf = (verdict: ReadinessVerdict, id: string) =>
  verdict.items.find((item) => item.id === id)?.findings.map((finding) => finding.reason.code);

describe("terminal core: equipment readiness with the controller emulator on a real pty", () => {
  it("warns, then faults, as the cylinder drains at 15 L/min (×500)", async () => {
    const { expectChange } = await rig("cylinder-draining", 500);
    // B5, 20 bar reserve: (p − 20) × 5 / 15 < 30 min below 110 bar, < 15 min below 65 bar.
    const isO2Below = (bar: number) => (r: PsosRecord) => r.record === "O2" && (r.pressure_bar ?? 999) < bar;
    await expectChange("o2-b5", "warning", "oxygen_autonomy", isO2Below(110));
    await expectChange("o2-b5", "fault", "oxygen_autonomy", isO2Below(65));
  });

  it("warns while the ECG self-test runs, then faults when it fails (×10)", async () => {
    const { expectChange } = await rig("ecg-selftest-fail", 10);
    const selftest = (value: string) => (r: PsosRecord) => r.record === "ECG" && r.selftest === value;
    await expectChange("ecg", "warning", "ecg_selftest_unknown", selftest("unknown"));
    await expectChange("ecg", "fault", "ecg_selftest_failed", selftest("fail"));
  });

  it("faults when the bag leaves its bracket, and dispatch gets it retained and again on request (×10)", async () => {
    const { expectChange, core } = await rig("bag-removed", 10);
    await expectChange("bavu", "fault", "bavu_absent", (r) => r.record === "BAG" && !r.present);

    const live = await mqtt.connectAsync(broker.url, {
      clientId: "sosm-test-dispatch-live",
      protocolVersion: 5,
    });
    cleanups.push(() => live.endAsync());
    // Subscribed late on purpose: what arrives first is the broker's retained copy.
    const arrived: Array<{ retain: boolean; payload: string }> = [];
    live.on("message", (_topic, payload, packet) => {
      arrived.push({ retain: packet.retain, payload: payload.toString("utf8") });
    });
    const decoded = (index: number) => {
      const { retain, payload } = arrived[index] ?? { retain: false, payload: "null" };
      const message = equipmentMessage.parse(JSON.parse(payload));
      const bavu = message.body.items.find((item) => item.id === "bavu");
      return { retain, seq: message.seq ?? 0, fault: bavu?.state === "fault" && !message.body.ready };
    };
    await waitUntil(() => (core.equipmentReporter?.sentCount() ?? 0) >= 1, "a summary queued", 10_000);
    await waitUntil(() => core.dispatch.outbox.pendingCount() === 0, "the outbox to drain", 10_000);
    await live.subscribeAsync(equipmentTopic, { qos: 1 });
    await waitUntil(() => arrived.length >= 1, "the retained equipment message", 10_000);
    expect(decoded(0)).toMatchObject({ retain: true, fault: true });

    const command = {
      v: 1,
      id: newMessageId(Date.now()),
      type: "status.request",
      ts: new Date().toISOString(),
      src: "dispatch",
      body: {},
    };
    await live.publishAsync("sosm/v1/bordeaux/BDX-07/cmd", JSON.stringify(command), { qos: 1 });
    await waitUntil(() => arrived.length >= 2, "the answer to status.request", 10_000);
    expect(decoded(1).fault).toBe(true);
    expect(decoded(1).seq).toBeGreaterThan(decoded(0).seq);
  });

  it("warns as soon as the warming drug compartment leaves 2–25 °C (tolerance 0 min, ×60)", async () => {
    // The 15 min tolerance is real time on the host, and the domain tests prove it; here the profile
    // allows none, so that the warning follows the first readings above 25 °C.
    const profile: VehicleProfile = {
      ...bdx07,
      equipment: bdx07.equipment.map((item) =>
        item.kind === "drug_storage" ? { ...item, excursionToleranceMinutes: 0 } : item,
      ),
    };
    const { expectChange } = await rig("fridge-warming", 60, profile);
    await expectChange(
      "drug-storage",
      "warning",
      "temperature_excursion",
      (r) => r.record === "TMP" && (r.celsius ?? 0) > 25,
    );
  });

  it("turns every sensor item unknown 5 s into a controller reboot, and back to ok when it talks again", async () => {
    const { changes, written, sensorsOk } = await rig("controller-reboot", 1);
    const firstOk = changes.findIndex((c) => sensorsOk(c.verdict));
    const allLost = (change: Change) =>
      changes.indexOf(change) > firstOk &&
      sensorIds.every((id) => codesOf(change.verdict, id)?.join() === "link_lost");
    await waitUntil(() => changes.some(allLost), "every sensor item unknown", 20_000);
    const lost = changes.find(allLost) as Change;
    const lastBeat = written.filter((w) => w.record.record === "HB" && w.at < lost.at).at(-1) as Written;
    const lostAfterMs = lost.at - lastBeat.at;
    expect(lostAfterMs).toBeGreaterThanOrEqual(4900);
    expect(lostAfterMs).toBeLessThan(5000 + 2000);

    await waitUntil(() => changes.some((c) => c.at > lost.at && sensorsOk(c.verdict)), "recovery", 15_000);
    const back = changes.find((c) => c.at > lost.at && sensorsOk(c.verdict)) as Change;
    const firstBeat = written.find((w) => w.record.record === "HB" && w.record.uptime_s < 5) as Written;
    console.info(
      `reboot: unknown ${lostAfterMs} ms after the last HB, ok ${back.at - firstBeat.at} ms after the first new one`,
    );
    expect(back.at - firstBeat.at).toBeLessThan(2000);
  }, 40_000);

  it("stays ready through line noise, counting every bad line (×60)", async () => {
    const { driver, changes, sensorsOk } = await rig("line-noise", 60);
    const firstOk = changes.findIndex((c) => sensorsOk(c.verdict));
    const rejected = () =>
      Object.entries(driver.counts())
        .filter(([key]) => key.startsWith("rejected."))
        .reduce((sum, [, n]) => sum + n, 0);
    await waitUntil(() => rejected() >= 100, "100 bad lines", 15_000);
    expect(changes.slice(firstOk).every((c) => sensorsOk(c.verdict))).toBe(true);
    expect(driver.linkState().state).toBe("connected");
  });

  it("says link lost and every sensor item unknown when the controller is unplugged, and recovers on replug", async () => {
    const { pair, monitor, sensorsOk } = await rig("normal", 10);
    const allLost = () => sensorIds.every((id) => codesOf(monitor.verdict(), id)?.join() === "link_lost");
    const unpluggedAt = Date.now();
    await pair.unplug();
    await waitUntil(allLost, "every sensor item unknown", 5000);
    console.info(`unplug: every sensor item unknown after ${Date.now() - unpluggedAt} ms`);
    expect(monitor.link().state).toBe("retrying");
    expect(monitor.verdict().items.find((item) => item.id === "infusion-kit")?.state).not.toBe("unknown");

    await pair.replug();
    const repluggedAt = Date.now();
    await waitUntil(() => sensorsOk(), "every sensor item ok again", 15_000);
    console.info(`replug: every sensor item ok after ${Date.now() - repluggedAt} ms`);
    expect(monitor.link().state).toBe("connected");
  });
});
