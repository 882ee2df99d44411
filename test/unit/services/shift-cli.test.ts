/**
 * `sosm shifts enrol|export` on a real config, profile and SQLite file: the PIN comes from stdin,
 * the roster from the profile, and the export is the CSV of the shift history.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runShifts } from "../../../apps/cli/shifts-command.ts";

const root = join(import.meta.dirname, "../../..");
let dir: string;
let configPath: string;

function io(stdinText = "") {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk) => (out += chunk));
  stderr.on("data", (chunk) => (err += chunk));
  return {
    streams: { stdin: Readable.from([stdinText]), stdout, stderr, env: {}, lang: "en" as const },
    out: () => out,
    err: () => err,
  };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sosm-shifts-cli-"));
  configPath = join(dir, "config.json");
  writeFileSync(
    configPath,
    JSON.stringify({
      fleet: "bordeaux",
      vehicle: "BDX-07",
      profile: join(root, "hardware/profiles/bdx-07.json"),
      dataDir: join(dir, "data"),
      mqtt: { url: "mqtt://localhost:1883" },
    }),
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("sosm shifts", () => {
  it("enrols the PIN of a roster doctor from stdin, and refuses a doctor outside the roster", async () => {
    const good = io("2580\n");
    expect(await runShifts({ action: "enrol", configPath, rpps: "19999900012", ...good.streams })).toBe(0);
    expect(good.out()).toContain("PIN enrolled for Dr Claire Fictive (RPPS 199 9990 0012)");
    const unknown = io("2580\n");
    expect(await runShifts({ action: "enrol", configPath, rpps: "10005173140", ...unknown.streams })).toBe(1);
    expect(unknown.err()).toContain("not on the association's roster");
    const usage = io();
    expect(await runShifts({ action: "enrol", configPath, ...usage.streams })).toBe(2);
  });

  it("exports the shift history as CSV", async () => {
    const out = join(dir, "shifts.csv");
    const run = io();
    expect(await runShifts({ action: "export", configPath, out, delimiter: ";", ...run.streams })).toBe(0);
    expect(run.out()).toContain("0 shift(s) exported");
    expect(readFileSync(out, "utf8").split("\r\n")[0]).toContain("start (UTC);end (UTC);doctor;RPPS");
  });
});
