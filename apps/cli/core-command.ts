/**
 * `sosm core --config F [--console]`: runs the terminal core until SIGINT/SIGTERM.
 * A bad config stops the start with each field's path and reason (exit 2). `--console` prints one
 * human line per second (fix and receiver health) for developers and the `npm start` demo.
 */
import { ConfigError, loadConfig } from "../../src/app/config-loader.ts";
import { Core } from "../../src/app/core.ts";
import { formatFix } from "../../src/app/fix-format.ts";
import { createLogger } from "../../src/app/logger.ts";
import { loadVehicleProfile, ProfileError } from "../../src/app/profile-loader.ts";
import { systemClock } from "../../src/services/ports.ts";

export interface RunCoreOptions {
  configPath?: string;
  console: boolean;
}

export async function runCore(options: RunCoreOptions): Promise<number> {
  let core: Core;
  try {
    const config = loadConfig({
      ...(options.configPath ? { argvConfigPath: options.configPath } : {}),
      env: process.env,
    });
    const profile = loadVehicleProfile(config.profile);
    const logger = createLogger({ name: `core ${config.vehicle}`, level: config.logLevel });
    core = new Core({ config, profile, logger, clock: systemClock });
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ProfileError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  core.start();
  let consoleTimer: NodeJS.Timeout | null = null;
  if (options.console) {
    consoleTimer = setInterval(() => {
      const fix = core.tracker.latestFix();
      const health = core.tracker.health("fr");
      process.stdout.write(
        `${health.summary.padEnd(44)} │ ${fix && health.state === "fix" ? formatFix(fix) : "—"}\n`,
      );
    }, 1000);
  }
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  if (consoleTimer) clearInterval(consoleTimer);
  await core.stop();
  return 0;
}
