/**
 * Test-only driver: runs the real Core in a child process (as `sosm core` does) and plays the doctor's
 * actions from the JSON array in SOSM_MISSION_SCRIPT, so that a test can kill -9 the process in the
 * middle of a mission. Prints `step N ok` per step and `script done` at the end, then runs until
 * SIGTERM (or a SIGKILL from the test).
 *
 *   node --import tsx test/support/mission-core-driver.ts --config core.json
 *
 * Steps: { "waitForMission": id } | { "waitOffline": true } | { "accept": id } | { "status": key }
 *        | { "message": text }
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../../src/app/config-loader.ts";
import { Core } from "../../src/app/core.ts";
import { createLogger } from "../../src/app/logger.ts";
import { loadVehicleProfile } from "../../src/app/profile-loader.ts";
import type { StatusKey } from "../../src/domain/radio-status.ts";
import { systemClock } from "../../src/services/ports.ts";

export type DriverStep =
  | { waitForMission: string }
  | { waitOffline: true }
  | { accept: string }
  | { status: StatusKey }
  | { message: string };

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function check(result: { ok: boolean }, step: DriverStep): void {
  if (!result.ok) throw new Error(`step ${JSON.stringify(step)} refused: ${JSON.stringify(result)}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: "string" } } });
  const config = loadConfig({
    ...(values.config ? { argvConfigPath: values.config } : {}),
    env: process.env,
  });
  const logger = createLogger({ name: `driver ${config.vehicle}`, level: config.logLevel });
  const core = new Core({ config, profile: loadVehicleProfile(config.profile), logger, clock: systemClock });
  core.start();
  const steps = JSON.parse(process.env.SOSM_MISSION_SCRIPT ?? "[]") as DriverStep[];
  const { desk, status, messages } = core.missions;
  for (const [index, step] of steps.entries()) {
    if ("waitForMission" in step) await until(() => desk.get(step.waitForMission) !== null, "the mission");
    else if ("waitOffline" in step) await until(() => !core.dispatch.link.isConnected(), "the link down");
    else if ("accept" in step) check(desk.accept(step.accept), step);
    else if ("status" in step) check(status.setStatus(step.status), step);
    else check(messages.send(step.message), step);
    process.stdout.write(`step ${index} ok\n`);
  }
  process.stdout.write("script done\n");
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  await core.stop();
}

main().catch((error: unknown) => {
  process.stderr.write(`driver failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
