/**
 * `sosm sim equipment --port <pty> [--scenario <name>] [--speed N]`: runs the equipment controller
 * emulator (firmware-bridge/src/emulator.ts) on a serial device, typically one end of a socat pty
 * pair whose other end the core opens as `/dev/sosm-equipment`:
 *
 *   socat -d -d pty,raw,echo=0,link=/tmp/eq-host pty,raw,echo=0,link=/tmp/eq-ctl &
 *   npm run -s sosm -- sim equipment --port /tmp/eq-ctl --scenario cylinder-draining --speed 60
 *
 * The port is opened through the same reconnecting SerialLineSource as the core's, so unplugging
 * and replugging the pty pair (a reconnection demo) needs no restart. A status line goes to stderr
 * every (real) second; stdout stays empty. Runs until SIGINT or SIGTERM.
 */
import { ControllerEmulator } from "../../firmware-bridge/src/emulator.ts";
import { isScenarioName, scenarioNames, scenarios } from "../../firmware-bridge/src/scenarios.ts";
import { createLogger } from "../../src/app/logger.ts";
import { SerialLineSource } from "../../src/io/serial-line-source.ts";

export interface SimEquipmentOptions {
  /** The controller's end of the cable (a pty link or a real serial device). */
  port: string;
  /** Default `normal`. */
  scenario?: string;
  /** Time scale, (0, 1000]; default 1. */
  speed?: number;
  baudRate?: number;
  stderr?: NodeJS.WritableStream;
  /** Resolves to stop the emulator; default: the first SIGINT or SIGTERM. */
  until?: Promise<void>;
}

/** Returns the process exit code: 0 after a clean stop, 2 for a usage error. */
export async function simEquipment(options: SimEquipmentOptions): Promise<number> {
  const stderr = options.stderr ?? process.stderr;
  const name = options.scenario ?? "normal";
  if (!isScenarioName(name)) {
    stderr.write(`unknown scenario "${name}"; choose one of: ${scenarioNames.join(", ")}\n`);
    return 2;
  }
  const speed = options.speed ?? 1;
  if (!(Number.isFinite(speed) && speed > 0 && speed <= 1000)) {
    stderr.write(`--speed must be a number in (0, 1000], got ${options.speed}\n`);
    return 2;
  }
  const logger = createLogger({ name: "sim-equipment", level: "warn" });
  // Short, capped backoff: in a demo the pty pair is replugged by hand and should resume at once.
  const link = new SerialLineSource({
    path: options.port,
    baudRate: options.baudRate ?? 9600,
    logger,
    backoff: { initialMs: 250, factor: 1.5, maxMs: 2000 },
  });
  const scenario = scenarios[name];
  const emulator = new ControllerEmulator({ link, scenario, logger, speed });
  stderr.write(
    `emulating the equipment controller on ${options.port}: ${name} ×${speed}\n  ${scenario.description}\n`,
  );
  emulator.start();
  const report = setInterval(() => {
    const c = emulator.counts();
    const status = link.status();
    stderr.write(
      `t=${emulator.simulatedSeconds()} s  port ${status.state}  sent ${c.sentences}  noise ${c.noise}  ` +
        `dropped ${c.dropped}  REQ,ALL answered ${c.reqAnswered}\n`,
    );
  }, 1000);
  await (options.until ??
    new Promise<void>((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    }));
  clearInterval(report);
  await emulator.stop();
  return 0;
}
