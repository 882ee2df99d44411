/**
 * Starts test/support/mission-core-driver.ts (the real Core, the doctor played from a script) in a
 * child process, as several suites do, and collects what it prints.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import type { DriverStep } from "./mission-core-driver.ts";

const root = join(import.meta.dirname, "../..");
const driver = join(root, "test/support/mission-core-driver.ts");

export class MissionDriverProcess {
  readonly child: ChildProcess;
  /** Everything the driver printed (`step N ok`, `script done`, its logs). */
  output = "";

  constructor(configPath: string, script: readonly DriverStep[]) {
    this.child = spawn(process.execPath, ["--import", "tsx", driver, "--config", configPath], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, SOSM_MISSION_SCRIPT: JSON.stringify(script) },
    });
    this.child.stdout?.on("data", (d: Buffer) => (this.output += d.toString()));
    this.child.stderr?.on("data", (d: Buffer) => (this.output += d.toString()));
  }

  get scriptDone(): boolean {
    return this.output.includes("script done");
  }
}
