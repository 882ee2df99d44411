/**
 * The `$PSOS` link end to end over a REAL socat pty pair: the controller emulator writes to one
 * end through a SerialLineSource, and the EquipmentDriver reads the other end through another,
 * both on the real serialport binding. Unplugging kills socat (PITFALLS.md: "test it by killing a
 * socat pty pair"). Timing assertions poll with generous margins: this runs on a loaded 2-core box.
 */
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { ControllerEmulator } from "../../firmware-bridge/src/emulator.ts";
import { EquipmentDriver, type EquipmentLink } from "../../firmware-bridge/src/equipment-driver.ts";
import type { PsosLink } from "../../firmware-bridge/src/ports.ts";
import { type ScenarioName, scenarios } from "../../firmware-bridge/src/scenarios.ts";
import type { PsosRecord, PsosRecordKind, PsosRecordOf } from "../../src/contracts/psos.ts";
import { SerialLineSource } from "../../src/io/serial-line-source.ts";
import { SocatPair, waitUntil } from "../support/socat.ts";

const logger = pino({ level: "silent" });
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Received {
  record: PsosRecord;
  at: number;
}

/**
 * Host and controller on the two ends of a pty pair. Both ports are open on return (the host's
 * only with `startHost`); the emulator is left for the test to start.
 */
async function rig(scenario: ScenarioName, speed: number, startHost = true) {
  const pair = await SocatPair.start();
  cleanups.push(() => pair.close());
  const host = new SerialLineSource({
    path: pair.a,
    baudRate: 9600,
    logger,
    backoff: { initialMs: 300, maxMs: 2000 },
  });
  const ctl = new SerialLineSource({
    path: pair.b,
    baudRate: 9600,
    logger,
    backoff: { initialMs: 200, maxMs: 1000 },
  });
  cleanups.push(() => ctl.stop());
  const driver = new EquipmentDriver({ link: host, logger });
  cleanups.push(() => driver.stop());
  const received: Received[] = [];
  const links: Array<{ link: EquipmentLink; at: number }> = [];
  driver.onRecord((record) => received.push({ record, at: Date.now() }));
  driver.onLink((link) => links.push({ link, at: Date.now() }));
  // The emulator's stop() must not close the port: that would end socat, and with it the lines
  // still in flight that the counting tests compare. The rig closes `ctl` itself.
  const keepOpen: PsosLink = {
    start: () => ctl.start(),
    stop: async () => {},
    onLine: (listener) => ctl.onLine(listener),
    onStatus: (listener) => ctl.onStatus(listener),
    status: () => ctl.status(),
    writeLine: (line) => ctl.writeLine(line),
  };
  const emulator = new ControllerEmulator({ link: keepOpen, scenario: scenarios[scenario], logger, speed });
  cleanups.push(() => emulator.stop());
  if (startHost) driver.start();
  ctl.start();
  await waitUntil(
    () => (!startHost || host.status().state === "connected") && ctl.status().state === "connected",
    "the ports to open",
  );
  return { pair, host, ctl, driver, emulator, received, links };
}

function recordsOf<K extends PsosRecordKind>(
  received: Received[],
  kind: K,
  after = 0,
): Array<PsosRecordOf<K>> {
  return received
    .filter((r) => r.at >= after && r.record.record === kind)
    .map((r) => r.record as PsosRecordOf<K>);
}

const equipmentKinds: PsosRecordKind[] = ["O2", "ECG", "BAG", "TMP", "VEH"];
const hasAllKinds = (received: Received[], after = 0) =>
  equipmentKinds.every((kind) => recordsOf(received, kind, after).length > 0);

/** Distinct consecutive values, e.g. [pass, pass, unknown, fail] → [pass, unknown, fail]. */
function changes<T>(values: T[]): T[] {
  return values.filter((value, i) => i === 0 || value !== values[i - 1]);
}

describe("EquipmentDriver ⇄ controller emulator over a socat pty pair", () => {
  it("delivers every record, and answers the REQ,ALL that the host sends when it connects", async () => {
    const { driver, emulator, received } = await rig("normal", 1, false);
    emulator.start();
    // The controller has been running for a while (its boot burst is over) when the host opens.
    await waitUntil(() => emulator.simulatedSeconds() >= 3, "the controller to run for 2 s", 5000);
    const connecting = Date.now();
    driver.start();
    await waitUntil(() => emulator.counts().reqAnswered === 1, "REQ,ALL to reach the controller", 5000);
    await waitUntil(() => hasAllKinds(received), "one record of each kind", 3000);
    const answeredMs = Date.now() - connecting;
    // The answer is an HB of the current second followed by every record (the periodic repeat is
    // at t = 10 s only; a tick's lone HB may arrive between the port opening and the answer).
    const kinds = received.map((r) => r.record.record).join();
    const answerAt = received.findIndex(
      (r, i) =>
        r.record.record === "HB" &&
        r.record.uptime_s > 3600 &&
        received
          .slice(i + 1, i + 6)
          .map((x) => x.record.record)
          .join() === equipmentKinds.join(),
    );
    expect(answerAt, kinds).toBeGreaterThanOrEqual(0);
    expect(recordsOf(received, "O2")[0]).toEqual({ record: "O2", slot: 1, pressure_bar: 186.5, flow_lpm: 0 });
    expect(recordsOf(received, "ECG")[0]).toEqual({
      record: "ECG",
      slot: 1,
      battery_pct: 92,
      selftest: "pass",
      charging: true,
      docked: true,
    });
    expect(recordsOf(received, "VEH")[0]).toEqual({ record: "VEH", ignition: true, supply_mV: 13_820 });
    await waitUntil(() => driver.linkState().state === "connected", "heartbeat");
    expect(driver.describeLink()).toBe("connected (firmware 1.4.2)");
    expect(driver.counts()["req.sent"]).toBe(1);
    const stale = received.some((r) => r.record.record === "HB" && r.record.uptime_s === 3600);
    console.info(
      `every record ${answeredMs} ms after the host opened its port (boot burst replayed from the pty: ${stale})`,
    );

    // A second REQ,ALL on a live link: answered with every record at once.
    const asked = Date.now();
    expect(await driver.requestAll("test")).toBe(true);
    await waitUntil(() => hasAllKinds(received, asked), "the answer to REQ,ALL", 3000);
    console.info(`REQ,ALL on a live link answered in ${Date.now() - asked} ms`);
    expect(emulator.counts().reqAnswered).toBe(2);
    expect(Object.keys(driver.counts()).filter((k) => k.startsWith("rejected."))).toEqual([]);
  });

  it("follows a B5 draining at 15 L/min at 3 bar per simulated minute (×120)", async () => {
    const { emulator, received } = await rig("cylinder-draining", 120);
    emulator.start();
    await waitUntil(() => recordsOf(received, "O2").length >= 20, "20 O2 records", 15_000);
    // Each O2 sentence follows the HB of the same simulated second: check it against the uptime.
    let checked = 0;
    for (const [i, r] of received.entries()) {
      const before = received[i - 1]?.record;
      if (r.record.record !== "O2" || before?.record !== "HB") continue;
      const t = before.uptime_s - 3600;
      expect(r.record).toEqual({
        record: "O2",
        slot: 1,
        pressure_bar: Math.round((200 - t / 20) * 10) / 10,
        flow_lpm: 15,
      });
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(20);
    const pressures = recordsOf(received, "O2").map((r) => r.pressure_bar ?? Number.NaN);
    expect(pressures).toEqual([...pressures].sort((a, b) => b - a));
  });

  const transitions: Array<
    [ScenarioName, (received: Received[]) => boolean, (received: Received[]) => void]
  > = [
    [
      "ecg-selftest-fail",
      (r) => recordsOf(r, "ECG").some((e) => e.selftest === "fail"),
      (r) => expect(changes(recordsOf(r, "ECG").map((e) => e.selftest))).toEqual(["pass", "unknown", "fail"]),
    ],
    [
      "bag-removed",
      (r) => recordsOf(r, "BAG").some((b) => !b.present),
      (r) => expect(changes(recordsOf(r, "BAG").map((b) => b.present))).toEqual([true, false]),
    ],
    [
      "fridge-warming",
      (r) => recordsOf(r, "TMP").some((t) => (t.celsius ?? 0) > 25),
      (r) => {
        const temps = recordsOf(r, "TMP").map((t) => t.celsius ?? Number.NaN);
        expect(temps[0]).toBe(21);
        expect(temps).toEqual([...temps].sort((a, b) => a - b));
      },
    ],
  ];
  it.each(transitions)("reports the %s scenario's change (×120)", async (name, reached, check) => {
    const { emulator, received, driver } = await rig(name, 120);
    emulator.start();
    await waitUntil(() => reached(received), `the ${name} change`, 15_000);
    check(received);
    expect(driver.linkState().state).toBe("connected");
  });

  it("says the link is lost and retrying on unplug, then asks for everything again on replug", async () => {
    const { pair, driver, emulator, received, links } = await rig("normal", 1);
    emulator.start();
    await waitUntil(() => hasAllKinds(received) && driver.linkState().state === "connected", "records");
    const reqBefore = driver.counts()["req.sent"] ?? 0;

    await pair.unplug();
    await waitUntil(() => driver.linkState().state === "retrying", "the unplug to be noticed");
    expect(driver.describeLink()).toMatch(/^disconnected, retrying in \d+ s$/);

    await pair.replug();
    const replugged = Date.now();
    await waitUntil(
      () => hasAllKinds(received, replugged) && driver.linkState().state === "connected",
      "records after replug",
      15_000,
    );
    console.info(`every record back ${Date.now() - replugged} ms after replug`);
    expect(driver.counts()["req.sent"] ?? 0).toBeGreaterThan(reqBefore);
    expect(links.map((l) => l.link.state)).toEqual(
      expect.arrayContaining(["connected", "retrying", "connecting"]),
    );
    // Recovered from REQ,ALL, not from the 10 s periodic repeat.
    expect(Date.now() - replugged).toBeLessThan(8000);
  });

  it("reports 'no heartbeat' 5 s after a controller reboot starts, then recovers every record", async () => {
    const { driver, emulator, received, links } = await rig("controller-reboot", 1);
    emulator.start();
    await waitUntil(() => driver.linkState().state === "lost", "the link to be lost", 20_000);
    const lostAt = Date.now();
    expect(driver.describeLink()).toBe("lost: no heartbeat for 5 s");
    const lastBeat = received.filter((r) => r.record.record === "HB").at(-1);
    const silentMs = lostAt - (lastBeat?.at ?? 0);
    expect(silentMs).toBeGreaterThanOrEqual(4900);
    expect(silentMs).toBeLessThan(6500);

    await waitUntil(() => driver.linkState().state === "connected", "heartbeats back", 10_000);
    await waitUntil(() => hasAllKinds(received, lostAt), "every record after the reboot", 5000);
    console.info(`lost ${silentMs} ms after the last heartbeat; back after ${Date.now() - lostAt} ms`);
    expect(driver.linkState()).toMatchObject({ state: "connected" });
    expect(recordsOf(received, "HB", lostAt)[0]?.uptime_s).toBe(0);
    expect(driver.counts()).toMatchObject({ "link.lost": 1, "controller.reboot": 1 });
    expect(changes(links.map((l) => l.link.state)).slice(-3)).toEqual(["connected", "lost", "connected"]);
  }, 45_000);

  it("counts every piece of line noise as one bad line and still decodes every valid sentence (×60)", async () => {
    const { driver, emulator } = await rig("line-noise", 60);
    emulator.start();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await emulator.stop();
    const tally = () => {
      const counts = Object.entries(driver.counts());
      const sum = (prefix: string) =>
        counts.filter(([k]) => k.startsWith(prefix)).reduce((n, [, v]) => n + v, 0);
      return { records: sum("record."), rejected: sum("rejected.") };
    };
    // The emulator counts a line once its write completes, and a loaded machine may still be
    // writing (or answering a late REQ,ALL retry) after stop(): compare with its live counts.
    await waitUntil(
      () => {
        const now = emulator.counts();
        return tally().records === now.sentences && tally().rejected === now.noise;
      },
      "every line to arrive",
      10_000,
    ).catch(() => {});
    const sent = emulator.counts();
    console.info(`line noise: ${JSON.stringify(driver.counts())}; emulator ${JSON.stringify(sent)}`);
    expect(sent.dropped).toBe(0);
    expect(sent.noise).toBeGreaterThan(100);
    expect(tally()).toEqual({ records: sent.sentences, rejected: sent.noise });
    expect(driver.counts()).toMatchObject({
      "rejected.bad_checksum": expect.any(Number),
      "rejected.no_checksum": expect.any(Number),
      "rejected.not_psos": expect.any(Number),
      "rejected.unknown_record": expect.any(Number),
      "rejected.bad_field": expect.any(Number),
    });
    expect(driver.linkState().state).toBe("connected");
  });
});
