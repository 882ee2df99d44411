/**
 * `sosm sim equipment` (apps/cli/sim-equipment.ts) on a real socat pty pair, read by the
 * EquipmentDriver as the core would read /dev/sosm-equipment.
 */
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { simEquipment } from "../../apps/cli/sim-equipment.ts";
import { EquipmentDriver } from "../../firmware-bridge/src/equipment-driver.ts";
import type { PsosRecord } from "../../src/contracts/psos.ts";
import { SerialLineSource } from "../../src/io/serial-line-source.ts";
import { SocatPair, waitUntil } from "../support/socat.ts";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function sink() {
  let text = "";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

describe("sosm sim equipment", () => {
  it("emulates the chosen scenario on the given port until told to stop", async () => {
    const pair = await SocatPair.start();
    cleanups.push(() => pair.close());
    const logger = pino({ level: "silent" });
    const driver = new EquipmentDriver({
      link: new SerialLineSource({ path: pair.a, baudRate: 9600, logger }),
      logger,
    });
    cleanups.push(() => driver.stop());
    const received: PsosRecord[] = [];
    driver.onRecord((record) => received.push(record));
    driver.start();

    let stop = () => {};
    const until = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const err = sink();
    const exit = simEquipment({
      port: pair.b,
      scenario: "bag-removed",
      speed: 60,
      until,
      stderr: err.stream,
    });
    await waitUntil(
      () => received.some((r) => r.record === "BAG" && !r.present),
      "the bag to be removed",
      15_000,
    );
    await waitUntil(() => /port connected/.test(err.text()), "a status line", 5000);
    stop();
    expect(await exit).toBe(0);
    expect(err.text()).toMatch(/emulating the equipment controller on .*: bag-removed ×60/);
    expect(driver.linkState().state).toBe("connected");
  });

  it("refuses an unknown scenario or speed with exit code 2", async () => {
    const err = sink();
    expect(await simEquipment({ port: "/nonexistent", scenario: "volcano", stderr: err.stream })).toBe(2);
    expect(err.text()).toMatch(/unknown scenario "volcano"; choose one of: normal, cylinder-draining/);
    expect(await simEquipment({ port: "/nonexistent", speed: -1, stderr: err.stream })).toBe(2);
  });
});
