/**
 * The equipment monitor on the real bdx-07 profile, fed by a controller feed the test drives, under
 * fake timers (its 1 s tick, staleness and excursions are timing rules).
 */
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ReadinessVerdict } from "../../../src/domain/equipment/readiness-verdict.ts";
import type { CheckRecord } from "../../../src/domain/equipment/technician-checks.ts";
import {
  type CheckHistory,
  EquipmentMonitor,
  type EquipmentMonitorContext,
  type VerdictChange,
} from "../../../src/services/equipment-monitor.ts";
import {
  allChecksPassed,
  capturingLogger,
  FakeFeed,
  fakeClock,
  healthyRecords,
  profile,
  t0,
} from "./equipment-monitor-fakes.ts";

const silent = pino({ level: "silent" });

let feed: FakeFeed;
let monitor: EquipmentMonitor;
let changes: Array<{ verdict: ReadinessVerdict; change: VerdictChange }>;

function build(overrides: Partial<EquipmentMonitorContext> = {}): EquipmentMonitor {
  feed = new FakeFeed();
  monitor = new EquipmentMonitor({
    feed,
    items: profile.equipment,
    checks: profile.checks,
    checkHistory: { latestByCheck: () => allChecksPassed(t0) },
    clock: fakeClock,
    logger: silent,
    ...overrides,
  });
  changes = [];
  monitor.onVerdict((verdict, change) => changes.push({ verdict, change }));
  monitor.start();
  return monitor;
}

const item = (id: string) => monitor.verdict().items.find((i) => i.id === id);
const codes = (id: string) => item(id)?.findings.map((f) => f.reason.code);
const sensorIds = ["ecg", "bavu", "o2-b5", "drug-storage", "power"];

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(t0);
});
afterEach(() => {
  monitor?.stop();
  vi.useRealTimers();
});

describe("equipment monitor", () => {
  it("says every sensor item is unknown until the controller talks, then judges each record at once", () => {
    build();
    expect(monitor.verdict().readiness).toBe("degraded");
    for (const id of sensorIds) expect(item(id)?.state, id).toBe("unknown");
    expect(item("infusion-kit")?.state).toBe("ok");

    feed.setLink("connected");
    expect(codes("o2-b5")).toEqual(["no_data"]);
    feed.send(...healthyRecords);
    expect(monitor.verdict().readiness).toBe("ready");
    expect(item("o2-b5")?.readings).toEqual({ pressure_bar: 186.5, flow_lpm: 0, autonomy_min: 55 });
    expect(item("o2-b5")?.checkedAt).toBe(t0);

    feed.send({ record: "BAG", slot: 1, present: false });
    expect(item("bavu")).toMatchObject({ state: "fault" });
    expect(codes("bavu")).toEqual(["bavu_absent"]);
    expect(monitor.verdict().readiness).toBe("not_ready");
    expect(changes.at(-1)?.change).toEqual({ at: t0, cause: "record", receivedAt: t0 });
  });

  it("turns every sensor item unknown when the link is lost, and keeps the kits' verdict", () => {
    build();
    feed.setLink("connected");
    feed.send(...healthyRecords);
    feed.setLink("lost");
    for (const id of sensorIds) expect(codes(id), id).toEqual(["link_lost"]);
    expect(item("infusion-kit")?.state).toBe("ok");
    expect(changes.at(-1)?.change.cause).toBe("link");
    // Readings stay visible (how old they are is in checkedAt), but are not judged.
    expect(item("o2-b5")?.readings?.pressure_bar).toBe(186.5);
    feed.setLink("connected");
    expect(monitor.verdict().readiness).toBe("ready");
  });

  it("turns an item unknown on the tick after its last record is 30 s old", () => {
    build();
    feed.setLink("connected");
    feed.send(...healthyRecords);
    vi.advanceTimersByTime(10_000);
    feed.send(...healthyRecords.filter((r) => r.record !== "ECG"));
    vi.advanceTimersByTime(20_000);
    expect(item("ecg")?.state).toBe("ok"); // exactly 30 s: still fresh
    vi.advanceTimersByTime(1000);
    expect(codes("ecg")).toEqual(["stale"]);
    expect(item("ecg")?.findings[0]?.text.fr).toBe("ECG : pas de données depuis 31 s");
    expect(item("o2-b5")?.state).toBe("ok");
    expect(changes.at(-1)?.change.cause).toBe("tick");
  });

  it("warns once the drug compartment has been out of range for more than 15 min", () => {
    build();
    feed.setLink("connected");
    const warm = healthyRecords.map((r) => (r.record === "TMP" ? { ...r, celsius: 27.5 } : r));
    for (let s = 0; s <= 15 * 60; s += 10) {
      feed.send(...warm);
      vi.advanceTimersByTime(s === 15 * 60 ? 0 : 10_000);
    }
    expect(item("drug-storage")?.state).toBe("ok"); // exactly 15 min
    vi.advanceTimersByTime(1000); // the tick, with no new record
    expect(codes("drug-storage")).toEqual(["temperature_excursion"]);
    expect(item("drug-storage")?.findings[0]?.text.fr).toBe(
      "Compartiment médicaments : 15 min hors plage 2–25 °C (27,5 °C)",
    );
    expect(changes.at(-1)?.change.cause).toBe("tick");
  });

  it("tells listeners about changes of state or reason, not about every new figure", () => {
    build();
    feed.setLink("connected");
    feed.send(...healthyRecords);
    const before = changes.length;
    feed.send({ record: "O2", slot: 1, pressure_bar: 180, flow_lpm: 0 });
    feed.send({ record: "O2", slot: 1, pressure_bar: 150, flow_lpm: 6 });
    expect(changes.length).toBe(before);
    expect(item("o2-b5")?.readings).toMatchObject({ pressure_bar: 150, flow_lpm: 6, autonomy_min: 108 });
    feed.send({ record: "O2", slot: 1, pressure_bar: 100, flow_lpm: 15 });
    expect(changes.length).toBe(before + 1);
    expect(codes("o2-b5")).toEqual(["oxygen_autonomy"]);
    expect(item("o2-b5")?.findings[0]?.text.fr).toBe(
      "Oxygène : 26 min d'autonomie à 15 L/min (réserve 20 bar)",
    );
  });

  it("logs a cylinder change with its figures", () => {
    const { logger, lines } = capturingLogger();
    build({ logger });
    feed.setLink("connected");
    feed.send({ record: "O2", slot: 1, pressure_bar: 35, flow_lpm: 0 });
    feed.send({ record: "O2", slot: 1, pressure_bar: 198.5, flow_lpm: 0 });
    const line = lines.find((l) => l.msg.startsWith("oxygen cylinder changed"));
    expect(line).toMatchObject({ level: 30, itemId: "o2-b5", fromBar: 35, toBar: 198.5 });
    expect(line?.msg).toBe("oxygen cylinder changed (o2-b5): 35 → 198.5 bar, valve closed");
    expect(item("o2-b5")?.state).toBe("ok");
  });

  it("forgets an item's reading when its sensor sends an empty value, and says so once", () => {
    const { logger, lines } = capturingLogger();
    build({ logger });
    feed.setLink("connected");
    feed.send(...healthyRecords);
    feed.send({ record: "O2", slot: 1, pressure_bar: null, flow_lpm: 0 });
    feed.send({ record: "O2", slot: 1, pressure_bar: null, flow_lpm: 0 });
    expect(codes("o2-b5")).toEqual(["no_data"]);
    expect(lines.filter((l) => l.msg === "o2-b5: the sensor sends no value")).toHaveLength(1);
    feed.send({ record: "O2", slot: 1, pressure_bar: 150, flow_lpm: 0 });
    expect(item("o2-b5")?.state).toBe("ok");
  });

  it("warns once about a record for a slot the profile does not know", () => {
    const { logger, lines } = capturingLogger();
    build({ logger });
    feed.setLink("connected");
    feed.send({ record: "O2", slot: 2, pressure_bar: 150, flow_lpm: 0 });
    feed.send({ record: "O2", slot: 2, pressure_bar: 150, flow_lpm: 0 });
    expect(lines.filter((l) => l.level === 40 && l.msg.includes("O2 slot 2"))).toHaveLength(1);
  });

  it("warns about every checked item when no technician check was ever recorded", () => {
    build({ checkHistory: undefined });
    feed.setLink("connected");
    feed.send(...healthyRecords);
    expect(monitor.verdict().readiness).toBe("degraded");
    expect(codes("bavu")).toEqual(["check_overdue", "check_overdue"]);
    expect(item("bavu")?.findings[0]?.text.fr).toBe(
      "BAVU : contrôle « BAVU complet dans son support » jamais effectué",
    );
  });

  it("reads the technician checks again on each tick", () => {
    let checks: Record<string, CheckRecord> = {};
    const history: CheckHistory = { latestByCheck: () => checks };
    build({ checkHistory: history });
    feed.setLink("connected");
    feed.send(...healthyRecords);
    expect(item("bavu")?.state).toBe("warning");
    checks = allChecksPassed(t0);
    vi.advanceTimersByTime(1000);
    feed.send(...healthyRecords);
    expect(monitor.verdict().readiness).toBe("ready");
  });

  it("keeps telling the other listeners when one throws", () => {
    build();
    const heard: string[] = [];
    monitor.onVerdict(() => {
      throw new Error("broken listener");
    });
    monitor.onVerdict((verdict) => heard.push(verdict.readiness));
    feed.setLink("connected");
    feed.send(...healthyRecords);
    expect(heard.at(-1)).toBe("ready");
  });

  it("stops listening to the feed and ticking when stopped", () => {
    build();
    expect(feed.listenerCount()).toBe(2);
    monitor.stop();
    expect(feed.listenerCount()).toBe(0);
    const count = changes.length;
    vi.advanceTimersByTime(60_000);
    expect(changes.length).toBe(count);
  });
});
