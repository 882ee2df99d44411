/**
 * EquipmentDriver on an in-memory link with fake timers: the heartbeat watchdog, REQ,ALL policy,
 * bad-line accounting and link descriptions. The same driver runs over a real pty in
 * test/integration/equipment-pty.test.ts.
 */
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { frameSentence } from "../../src/contracts/nmea-framing.ts";
import type { PsosRecord } from "../../src/contracts/psos.ts";
import { describeEquipmentLink, EquipmentDriver, type EquipmentLink } from "../src/equipment-driver.ts";
import type { PsosLink, PsosLinkStatus } from "../src/ports.ts";
import { encodePsos, reqAllSentence } from "../src/psos-codec.ts";

class FakeLink implements PsosLink {
  written: string[] = [];
  private current: PsosLinkStatus = { state: "stopped", since: 0 };
  private readonly lines = new Set<(line: string, at: number) => void>();
  private readonly statuses = new Set<(s: PsosLinkStatus) => void>();
  start(): void {
    this.set({ state: "connecting", since: Date.now() });
  }
  async stop(): Promise<void> {
    this.set({ state: "stopped", since: Date.now() });
  }
  onLine(listener: (line: string, at: number) => void): () => void {
    this.lines.add(listener);
    return () => this.lines.delete(listener);
  }
  onStatus(listener: (s: PsosLinkStatus) => void): () => void {
    this.statuses.add(listener);
    return () => this.statuses.delete(listener);
  }
  status(): PsosLinkStatus {
    return this.current;
  }
  async writeLine(line: string): Promise<void> {
    if (this.current.state !== "connected") throw new Error("not connected");
    this.written.push(line);
  }
  set(status: PsosLinkStatus): void {
    this.current = status;
    for (const l of this.statuses) l(status);
  }
  connect(): void {
    this.set({ state: "connected", since: Date.now() });
  }
  receive(...lines: string[]): void {
    for (const line of lines) for (const l of this.lines) l(line, Date.now());
  }
}

const hb = (uptime: number) => encodePsos({ record: "HB", uptime_s: uptime, fw_version: "1.4.2" });
const bag = (present: boolean) => encodePsos({ record: "BAG", slot: 1, present });
const clock = { now: () => Date.now(), monotonic: () => Date.now() };

function setup() {
  const link = new FakeLink();
  const driver = new EquipmentDriver({ link, logger: pino({ level: "silent" }), clock });
  const records: PsosRecord[] = [];
  const links: EquipmentLink[] = [];
  driver.onRecord((r) => records.push(r));
  driver.onLink((l) => links.push(l));
  driver.start();
  return { link, driver, records, links };
}

beforeEach(() => {
  vi.useFakeTimers({ now: new Date("2026-11-23T21:00:00Z") });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("EquipmentDriver", () => {
  it("sends REQ,ALL when the port connects and emits the decoded records", async () => {
    const { link, driver, records } = setup();
    expect(driver.linkState()).toMatchObject({ state: "connecting", portOpen: false });
    link.connect();
    await vi.advanceTimersByTimeAsync(0);
    expect(link.written).toEqual([reqAllSentence]);
    expect(driver.describeLink()).toBe("port open, waiting for heartbeat");
    link.receive(hb(100), bag(true));
    expect(driver.linkState()).toMatchObject({ state: "connected", fwVersion: "1.4.2", uptimeS: 100 });
    expect(records).toEqual([
      { record: "HB", uptime_s: 100, fw_version: "1.4.2" },
      { record: "BAG", slot: 1, present: true },
    ]);
    expect(driver.latest()).toEqual([
      { record: { record: "BAG", slot: 1, present: true }, receivedAt: Date.now() },
    ]);
    expect(driver.counts()).toMatchObject({ "record.HB": 1, "record.BAG": 1, "req.sent": 1 });
  });

  it("counts and skips bad lines, and keeps decoding the good ones", () => {
    const { link, driver, records } = setup();
    link.connect();
    link.receive(
      "$PSOS,BAG,1,1*00",
      "\u0000\u00ff#junk",
      frameSentence("PSOS,XYZ,1"),
      "$PSOS,BAG,1",
      `noise${bag(false)}`,
      frameSentence("PSOS,O2,1,999,0"),
      frameSentence("PSOS,REQ,ALL"),
    );
    expect(records).toEqual([{ record: "BAG", slot: 1, present: false }]);
    expect(driver.counts()).toMatchObject({
      "rejected.bad_checksum": 1,
      "rejected.not_psos": 2,
      "rejected.unknown_record": 1,
      "rejected.no_checksum": 1,
      "rejected.bad_field": 1,
      "ignored.REQ": 1,
      "record.BAG": 1,
    });
  });

  it("says the link is lost after 5 s without a heartbeat, and asks for everything when it comes back", async () => {
    const { link, driver, links } = setup();
    link.connect();
    link.receive(hb(100), bag(true));
    await vi.advanceTimersByTimeAsync(4000);
    link.receive(hb(104));
    await vi.advanceTimersByTimeAsync(4999);
    expect(driver.linkState().state).toBe("connected");
    await vi.advanceTimersByTimeAsync(1);
    expect(driver.describeLink()).toBe("lost: no heartbeat for 5 s");
    await vi.advanceTimersByTimeAsync(2000);
    expect(driver.describeLink()).toBe("lost: no heartbeat for 7 s");
    link.receive(hb(111));
    await vi.advanceTimersByTimeAsync(0);
    expect(driver.linkState().state).toBe("connected");
    expect(link.written).toEqual([reqAllSentence, reqAllSentence]);
    expect(links.map((l) => l.state)).toEqual(["connecting", "connecting", "connected", "lost", "connected"]);
    expect(driver.counts()["link.lost"]).toBe(1);
  });

  it("counts a silent controller behind an open port as lost", async () => {
    const { link, driver } = setup();
    link.connect();
    await vi.advanceTimersByTimeAsync(5000);
    expect(driver.linkState()).toMatchObject({ state: "lost" });
  });

  it("shows the port's retry delay after an unplug and stops the watchdog meanwhile", async () => {
    const { link, driver } = setup();
    link.connect();
    link.receive(hb(1));
    link.set({ state: "retrying", since: Date.now(), retryInMs: 2250, lastError: "port closed" });
    expect(driver.describeLink()).toBe("disconnected, retrying in 3 s");
    await vi.advanceTimersByTimeAsync(10_000);
    expect(driver.linkState().state).toBe("retrying");
    link.receive(hb(12)); // a late line from the old port
    expect(driver.linkState().state).toBe("retrying");
    link.connect();
    await vi.advanceTimersByTimeAsync(0);
    expect(link.written).toEqual([reqAllSentence, reqAllSentence]);
  });

  it("asks once more when heartbeats come but the REQ,ALL sent at connect is unanswered after 1.5 s", async () => {
    const { link } = setup();
    link.connect();
    link.receive(hb(1)); // the answer starts with an HB: too early to conclude anything
    await vi.advanceTimersByTimeAsync(1000);
    link.receive(hb(2));
    expect(link.written).toEqual([reqAllSentence]);
    await vi.advanceTimersByTimeAsync(1000);
    link.receive(hb(3));
    await vi.advanceTimersByTimeAsync(0);
    expect(link.written).toEqual([reqAllSentence, reqAllSentence]);
    // One retry only: a firmware that never answers must not be asked every second.
    for (let t = 4; t < 10; t++) {
      await vi.advanceTimersByTimeAsync(1000);
      link.receive(hb(t));
    }
    expect(link.written).toHaveLength(2);
  });

  it("does not ask again when the answer came", async () => {
    const { link } = setup();
    link.connect();
    link.receive(hb(1), bag(true));
    for (let t = 2; t < 5; t++) {
      await vi.advanceTimersByTimeAsync(1000);
      link.receive(hb(t));
    }
    expect(link.written).toEqual([reqAllSentence]);
  });

  it("notices a reboot shorter than the watchdog from the uptime going backwards", async () => {
    const { link, driver } = setup();
    link.connect();
    link.receive(bag(true), hb(500), hb(501), hb(0));
    await vi.advanceTimersByTimeAsync(0);
    expect(driver.counts()["controller.reboot"]).toBe(1);
    expect(link.written).toEqual([reqAllSentence, reqAllSentence]);
    expect(driver.linkState()).toMatchObject({ state: "connected", uptimeS: 0 });
  });

  it("counts a failed REQ,ALL write without throwing", async () => {
    const { link, driver } = setup();
    expect(await driver.requestAll("test")).toBe(false);
    expect(driver.counts()["req.failed"]).toBe(1);
    link.connect();
    expect(await driver.requestAll("test")).toBe(true);
  });

  it("keeps delivering records to the other listeners when one throws", () => {
    const { link, driver, records } = setup();
    driver.onRecord(() => {
      throw new Error("boom");
    });
    link.connect();
    link.receive(bag(true), bag(false));
    expect(records).toHaveLength(2);
  });

  it("stops: unsubscribes, disarms the watchdog and stops the link", async () => {
    const { link, driver, records } = setup();
    link.connect();
    await driver.stop();
    link.receive(bag(true));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(records).toEqual([]);
    expect(driver.linkState().state).toBe("stopped");
    expect(link.status().state).toBe("stopped");
  });
});

describe("describeEquipmentLink", () => {
  it("words each state for the doctor's screen", () => {
    expect(describeEquipmentLink({ state: "connected", since: 0, fwVersion: "2.0", uptimeS: 1 }, 0)).toBe(
      "connected (firmware 2.0)",
    );
    expect(describeEquipmentLink({ state: "connecting", since: 0, portOpen: false }, 0)).toBe("connecting");
    expect(describeEquipmentLink({ state: "stopped", since: 0 }, 0)).toBe("stopped");
    expect(describeEquipmentLink({ state: "lost", since: 5000, silentSince: 0 }, 40_400)).toBe(
      "lost: no heartbeat for 40 s",
    );
  });
});
