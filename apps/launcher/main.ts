/**
 * `npm start`: the whole system on its embedded defaults, with no hardware.
 * Today: a simulated receiver drives through Bordeaux into a real pty pair (socat) — or replays a
 * recorded capture with `--capture FILE` — and the terminal core reads the other end exactly as it
 * reads a receiver, printing its fixes and the receiver's health. Ctrl-C stops everything.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createLogger } from "../../src/app/logger.ts";
import { startConsoleSummary } from "../dispatch/console-summary.ts";
import { startDemoDispatch } from "../dispatch/demo-dispatch.ts";
import { EmbeddedBroker } from "../sim/embedded-broker.ts";
import { GnssReplayer } from "../sim/gnss-replayer.ts";
import { PtyPair } from "../sim/pty-pair.ts";
import { SimulatedReceiver } from "../sim/simulated-receiver.ts";
import { equipmentSimChoice, startEquipmentSim } from "./equipment-sim.ts";
import { startUi } from "./open-ui.ts";

const root = resolve(import.meta.dirname, "../..");
const logger = createLogger({ name: "launcher", level: "warn" });

async function main(): Promise<void> {
  const runDir = mkdtempSync(join(tmpdir(), "sosm-demo-"));
  const dataDir = join(root, "data", "demo");
  mkdirSync(dataDir, { recursive: true });
  // An embedded broker unless SOSM_MQTT_URL names a real one (which then speaks MQTT 5).
  const externalUrl = process.env.SOSM_MQTT_URL;
  const broker = externalUrl ? null : await EmbeddedBroker.start();
  const mqttUrl = externalUrl ?? (broker as EmbeddedBroker).url;
  const protocolVersion = externalUrl ? 5 : 4;
  const pty = await PtyPair.open(runDir, { a: "receiver", b: "sosm-gnss" });
  // The equipment controller emulator on a second pty pair (`--equipment-scenario NAME`).
  const equipment = await startEquipmentSim(runDir, equipmentSimChoice(process.argv), logger);
  // `npm start -- --capture FILE` replays a recorded capture instead of driving live.
  const captureIndex = process.argv.indexOf("--capture");
  const capture = captureIndex > 0 ? process.argv[captureIndex + 1] : undefined;
  const receiver = capture
    ? new GnssReplayer({ capture: resolve(capture), device: pty.paths.a, logger })
    : new SimulatedReceiver({ device: pty.paths.a, logger });
  const configPath = join(runDir, "core.json");
  writeFileSync(
    configPath,
    JSON.stringify({
      fleet: "bordeaux",
      vehicle: "BDX-07",
      profile: "bdx-07",
      dataDir,
      gnss: { port: pty.paths.b },
      equipment: { port: equipment.device },
      mqtt: { url: mqttUrl, protocolVersion },
      logLevel: "warn",
    }),
  );
  process.stdout.write(
    `SOSM demo — simulated car BDX-07 (Bordeaux)\n  receiver pty: ${pty.paths.a} → core reads ${pty.paths.b}\n  equipment: ${equipment.choice.scenario} ×${equipment.choice.speed} — ${equipment.description}\n    controller pty: ${equipment.controller} → core reads ${equipment.device}\n  track: ${dataDir}/core.sqlite\n  broker: ${mqttUrl}${broker ? " (embedded)" : ""}\n  Ctrl-C to stop\n\n`,
  );
  receiver.start();
  // The dispatch service (issue 7) with its web console; its notable events print one line each.
  const dispatch = await startDemoDispatch({
    mqttUrl,
    protocolVersion,
    dataDir: join(dataDir, "dispatch"),
    logger,
  });
  const stopSummary = startConsoleSummary(dispatch.service, (line) => process.stdout.write(`${line}\n`));
  process.stdout.write(`${dispatch.banner}\n`);
  const core = spawn(
    process.execPath,
    ["--import", "tsx", join(root, "apps/cli/main.ts"), "core", "--config", configPath, "--console"],
    {
      stdio: ["ignore", "inherit", "inherit"],
      cwd: root,
    },
  );
  // The doctor's screen, once the core has written kiosk.json; `npm start -- --no-ui` only prints it.
  const ui = startUi({
    dataDir,
    kioskAppDir: join(root, "apps/kiosk/main"),
    noUi: process.argv.includes("--no-ui"),
    write: (line) => process.stdout.write(`${line}\n`),
  });
  const stop = async () => {
    await ui.stop();
    core.kill("SIGTERM");
    await new Promise((r) => core.once("exit", r));
    await receiver.stop();
    await equipment.stop();
    stopSummary();
    await dispatch.service.stop();
    await broker?.close();
    await pty.close();
    rmSync(runDir, { recursive: true, force: true });
  };
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write("\nstopping…\n");
    void stop().then(() => process.exit(0));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  core.once("exit", (code) => {
    if (stopping) return;
    process.stderr.write(`the core exited (${code}); stopping the demo\n`);
    onSignal();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
