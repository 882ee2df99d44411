/**
 * The controller emulator's model (what it sends at each simulated second) and its pacing, without
 * a port. The emulator on a real pty is in test/integration/equipment-pty.test.ts.
 */
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { PsosRecord } from "../../src/contracts/psos.ts";
import { LineSplitter } from "../../src/io/line-splitter.ts";
import { ControllerEmulator, ControllerModel, type EmittedLine } from "../src/emulator.ts";
import type { PsosLink, PsosLinkStatus } from "../src/ports.ts";
import { decodePsos, reqAllSentence, splitPsosCandidates } from "../src/psos-codec.ts";
import { type ScenarioName, scenarioNames, scenarios } from "../src/scenarios.ts";

function decoded(lines: EmittedLine[]): PsosRecord[] {
  return lines.flatMap((line) =>
    splitPsosCandidates(line.text).flatMap((piece) => {
      const result = decodePsos(piece);
      return result.ok ? [result.record] : [];
    }),
  );
}

function run(name: ScenarioName, seconds: number): PsosRecord[][] {
  const model = new ControllerModel(scenarios[name]);
  return Array.from({ length: seconds }, (_, t) => decoded(model.tick(t)));
}

const kinds = (records: PsosRecord[]) => records.map((r) => r.record);

describe("ControllerModel", () => {
  it("sends a heartbeat every second, every record at boot and every 10 s, and changes at once", () => {
    const ticks = run("normal", 21);
    expect(kinds(ticks[0] ?? [])).toEqual(["HB", "O2", "ECG", "BAG", "TMP", "VEH"]);
    expect(ticks.every((records) => records[0]?.record === "HB")).toBe(true);
    expect(kinds(ticks[10] ?? [])).toEqual(["HB", "O2", "ECG", "BAG", "TMP", "VEH"]);
    expect(
      ticks
        .slice(1, 10)
        .flat()
        .filter((r) => r.record === "O2"),
    ).toEqual([]);
    expect(ticks[3]?.[0]).toEqual({ record: "HB", uptime_s: 3603, fw_version: "1.4.2" });
  });

  it("drains a B5 at 15 L/min by 3 bar a minute (flow ÷ water volume)", () => {
    const model = new ControllerModel(scenarios["cylinder-draining"]);
    const o2At = (t: number) =>
      model
        .answerAll(t)
        .flatMap((l) => decoded([l]))
        .find((r) => r.record === "O2");
    expect(o2At(0)).toEqual({ record: "O2", slot: 1, pressure_bar: 200, flow_lpm: 15 });
    expect(o2At(60)).toMatchObject({ pressure_bar: 197 });
    expect(o2At(600)).toMatchObject({ pressure_bar: 170 });
    expect(o2At(4000)).toEqual({ record: "O2", slot: 1, pressure_bar: 0, flow_lpm: 0 });
    // 0.05 bar/s at 0.1 bar resolution: a change, hence a sentence, every 2 s.
    const sent = run("cylinder-draining", 9).map((r) => r.some((x) => x.record === "O2"));
    expect(sent).toEqual([true, false, true, false, true, false, true, false, true]);
  });

  it("fails the ECG self-test, removes the bag and warms the fridge past 25 °C on schedule", () => {
    const at = (name: ScenarioName, t: number) => scenarios[name].equipment(t);
    expect(at("ecg-selftest-fail", 9)).toContainEqual(
      expect.objectContaining({ record: "ECG", selftest: "pass" }),
    );
    expect(at("ecg-selftest-fail", 12)).toContainEqual(
      expect.objectContaining({ record: "ECG", selftest: "unknown" }),
    );
    expect(at("ecg-selftest-fail", 15)).toContainEqual(
      expect.objectContaining({ record: "ECG", selftest: "fail" }),
    );
    expect(at("bag-removed", 9)).toContainEqual({ record: "BAG", slot: 1, present: true });
    expect(at("bag-removed", 10)).toContainEqual({ record: "BAG", slot: 1, present: false });
    expect(at("fridge-warming", 240)).toContainEqual({ record: "TMP", slot: 1, celsius: 25 });
    expect(at("fridge-warming", 246)).toContainEqual({ record: "TMP", slot: 1, celsius: 25.1 });
    expect(at("fridge-warming", 99_999)).toContainEqual({ record: "TMP", slot: 1, celsius: 45 });
  });

  it("falls silent for 8 s on reboot, then restarts its uptime at 0 and sends everything", () => {
    const ticks = run("controller-reboot", 16);
    const heartbeats = ticks.map((r) => r.find((x) => x.record === "HB"));
    expect(heartbeats.slice(0, 5).map((h) => h?.record === "HB" && h.uptime_s)).toEqual([
      3600, 3601, 3602, 3603, 3604,
    ]);
    expect(ticks.slice(5, 13).every((r) => r.length === 0)).toBe(true);
    expect(ticks[13]).toContainEqual({ record: "HB", uptime_s: 0, fw_version: "1.4.2" });
    expect(kinds(ticks[13] ?? [])).toEqual(["HB", "O2", "ECG", "BAG", "TMP", "VEH"]);
    expect(new ControllerModel(scenarios["controller-reboot"]).answerAll(7)).toEqual([]);
  });

  it("makes the same line noise on every run, each piece exactly one bad line", () => {
    const lines = (model: ControllerModel) => Array.from({ length: 3000 }, (_, t) => model.tick(t)).flat();
    const first = lines(new ControllerModel(scenarios["line-noise"]));
    expect(lines(new ControllerModel(scenarios["line-noise"]))).toEqual(first);
    let rejected = 0;
    let accepted = 0;
    for (const line of first) {
      // Through the real line splitter, as the host reads it.
      const [text, ...more] = new LineSplitter().push(Buffer.from(`${line.text}\r\n`, "latin1"));
      expect(more).toEqual([]);
      const verdicts = splitPsosCandidates(text ?? "").map((piece) => decodePsos(piece).ok);
      expect({ line, ok: verdicts.filter(Boolean).length, bad: verdicts.filter((v) => !v).length }).toEqual({
        line,
        ok: line.sentences,
        bad: line.noise,
      });
      accepted += line.sentences;
      rejected += line.noise;
    }
    const noise = first.reduce((n, l) => n + l.noise, 0);
    expect(noise).toBeGreaterThanOrEqual(3000);
    expect(rejected).toBe(noise);
    expect(accepted).toBe(first.reduce((n, l) => n + l.sentences, 0));
    const reasons = new Set(
      first
        .flatMap((l) => splitPsosCandidates(l.text).map((p) => decodePsos(p)))
        .flatMap((r) => (r.ok ? [] : [r.reason])),
    );
    expect([...reasons].sort()).toEqual([
      "bad_checksum",
      "bad_field",
      "no_checksum",
      "not_psos",
      "unknown_record",
    ]);
  });

  it("has a description for every scenario", () => {
    for (const name of scenarioNames) expect(scenarios[name].description.length).toBeGreaterThan(10);
  });
});

class MemoryLink implements PsosLink {
  written: string[] = [];
  private listener: ((line: string, at: number) => void) | null = null;
  private current: PsosLinkStatus = { state: "connected", since: 0 };
  start(): void {}
  async stop(): Promise<void> {
    this.current = { state: "stopped", since: 0 };
  }
  onLine(listener: (line: string, at: number) => void): () => void {
    this.listener = listener;
    return () => {
      this.listener = null;
    };
  }
  onStatus(): () => void {
    return () => {};
  }
  status(): PsosLinkStatus {
    return this.current;
  }
  async writeLine(line: string): Promise<void> {
    if (this.current.state !== "connected") throw new Error("not connected");
    this.written.push(line);
  }
  hostSends(line: string): void {
    this.listener?.(line, 0);
  }
}

describe("ControllerEmulator", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("paces simulated seconds by the speed factor and answers REQ,ALL at once", async () => {
    vi.useFakeTimers();
    const link = new MemoryLink();
    const emulator = new ControllerEmulator({
      link,
      scenario: scenarios.normal,
      logger: pino({ level: "silent" }),
      speed: 60,
      monotonic: () => Date.now(),
    });
    emulator.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(emulator.simulatedSeconds()).toBe(61);
    const heartbeats = link.written.filter((l) => l.startsWith("$PSOS,HB,"));
    expect(heartbeats).toHaveLength(61);
    link.written = [];
    link.hostSends(reqAllSentence);
    link.hostSends("$PSOS,BOGUS*00");
    await vi.advanceTimersByTimeAsync(0);
    expect(link.written.map((l) => l.split(",")[1])).toEqual(["HB", "O2", "ECG", "BAG", "TMP", "VEH"]);
    expect(emulator.counts()).toMatchObject({ reqAnswered: 1, hostLinesIgnored: 1, dropped: 0 });
    await emulator.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(emulator.simulatedSeconds()).toBe(61);
  });

  it("counts lines it could not write while the cable was out", async () => {
    const link = new MemoryLink();
    await link.stop();
    const emulator = new ControllerEmulator({
      link,
      scenario: scenarios.normal,
      logger: pino({ level: "silent" }),
    });
    emulator.start();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(emulator.counts()).toMatchObject({ sentences: 0, dropped: 6 });
    await emulator.stop();
  });

  it("refuses a speed outside (0, 1000]", () => {
    const ctx = { link: new MemoryLink(), scenario: scenarios.normal, logger: pino({ level: "silent" }) };
    expect(() => new ControllerEmulator({ ...ctx, speed: 0 })).toThrow(RangeError);
    expect(() => new ControllerEmulator({ ...ctx, speed: Number.NaN })).toThrow(RangeError);
  });
});
