/**
 * Issue 7, "a fresh-machine test, scripted in CI": runs scripts/fresh-machine-check.sh (clean clone,
 * npm install, npm start, an HTTP check of both UIs, Ctrl-C). It takes minutes and needs the npm
 * registry, so it runs only with SOSM_FRESH_MACHINE=1 (SOSM_FRESH_MACHINE_ARGS="--copy" checks the
 * working tree instead of the last commit).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const script = join(import.meta.dirname, "../../../scripts/fresh-machine-check.sh");

describe.runIf(process.env.SOSM_FRESH_MACHINE === "1")("a fresh machine", () => {
  it("brings both UIs up with npm install && npm start, and stops on Ctrl-C", () => {
    const args = (process.env.SOSM_FRESH_MACHINE_ARGS ?? "").split(" ").filter(Boolean);
    const run = spawnSync(script, args, { encoding: "utf8", timeout: 600_000 });
    expect(run.stdout + run.stderr).toContain("[fresh-machine] PASS");
    expect(run.status).toBe(0);
  }, 620_000);
});
