/**
 * The simulated car's equipment controller for `npm start`: the controller emulator
 * (firmware-bridge) on one end of a second socat pty pair, whose other end the core opens as it
 * would open /dev/sosm-equipment.
 *
 *   npm start -- --equipment-scenario NAME [--equipment-speed X]
 *
 * The default, `cylinder-draining` at ×60, changes something within a minute: the B5's autonomy
 * drops a minute per second, under 30 min (warning) after 30 s and under 15 min (fault) after 45 s.
 * `controller-reboot` defaults to ×1: its 8 s of silence must outlast the core's 5 s watchdog.
 */
import { ControllerEmulator } from "../../firmware-bridge/src/emulator.ts";
import {
  isScenarioName,
  type ScenarioName,
  scenarioNames,
  scenarios,
} from "../../firmware-bridge/src/scenarios.ts";
import { SerialLineSource } from "../../src/io/serial-line-source.ts";
import type { Logger } from "../../src/services/ports.ts";
import { PtyPair } from "../sim/pty-pair.ts";

export const defaultEquipmentScenario: ScenarioName = "cylinder-draining";

export interface EquipmentSimChoice {
  scenario: ScenarioName;
  speed: number;
}

function argument(argv: readonly string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  return index >= 0 ? argv[index + 1] : undefined;
}

/** Reads `--equipment-scenario` and `--equipment-speed`; throws a message for a bad value. */
export function equipmentSimChoice(argv: readonly string[]): EquipmentSimChoice {
  const name = argument(argv, "--equipment-scenario") ?? defaultEquipmentScenario;
  if (!isScenarioName(name))
    throw new Error(`unknown equipment scenario "${name}"; choose one of: ${scenarioNames.join(", ")}`);
  const speedText = argument(argv, "--equipment-speed");
  const speed = speedText === undefined ? (name === "controller-reboot" ? 1 : 60) : Number(speedText);
  if (!(Number.isFinite(speed) && speed > 0 && speed <= 1000))
    throw new Error(`--equipment-speed must be a number in (0, 1000], got ${speedText}`);
  return { scenario: name, speed };
}

export interface EquipmentSim {
  /** The end the core opens. */
  readonly device: string;
  /** The end the emulator writes to. */
  readonly controller: string;
  readonly choice: EquipmentSimChoice;
  readonly description: string;
  stop(): Promise<void>;
}

export async function startEquipmentSim(
  runDir: string,
  choice: EquipmentSimChoice,
  logger: Logger,
): Promise<EquipmentSim> {
  const pty = await PtyPair.open(runDir, { a: "controller", b: "sosm-equipment" });
  const link = new SerialLineSource({
    path: pty.paths.a,
    baudRate: 9600,
    // The controller's own end loses its pty whenever the demo stops: not worth a warning.
    logger: logger.child({ part: "equipment-emulator" }, { level: "error" }),
    backoff: { initialMs: 250, factor: 1.5, maxMs: 2000 },
  });
  const scenario = scenarios[choice.scenario];
  const emulator = new ControllerEmulator({ link, scenario, logger, speed: choice.speed });
  emulator.start();
  return {
    device: pty.paths.b,
    controller: pty.paths.a,
    choice,
    description: scenario.description,
    stop: async () => {
      await emulator.stop();
      await pty.close();
    },
  };
}
