import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../../src/app/logger.ts";

const root = resolve(import.meta.dirname, "../../..");

function capture(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  let text = "";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return {
    stream,
    lines: () =>
      text
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe("createLogger", () => {
  it("writes one JSON line per entry with the name, level and an ISO time", () => {
    const out = capture();
    const logger = createLogger({ name: "core", level: "info", destination: out.stream });
    logger.info({ port: "/dev/sosm-gnss" }, "link up");
    logger.debug("not at info level");
    const [line, ...rest] = out.lines();
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ name: "core", level: 30, msg: "link up", port: "/dev/sosm-gnss" });
    expect(String(line?.time)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it("logs to stderr by default and leaves stdout to CLI output", () => {
    const script =
      'import { createLogger } from "./src/app/logger.ts";' +
      'createLogger({ name: "cli", level: "info" }).warn("careful"); process.stdout.write("fix\\n");';
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
    });
    expect(child.status).toBe(0);
    expect(child.stdout).toBe("fix\n");
    expect(JSON.parse(child.stderr.trim())).toMatchObject({ name: "cli", level: 40, msg: "careful" });
  });
});
