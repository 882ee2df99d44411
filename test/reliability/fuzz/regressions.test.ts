/**
 * What the fuzzers found, kept as regression tests:
 * - every input in regressions/ (`<target>-<what>.bin`) is replayed through its target by the fuzz
 *   runner and must not crash it again;
 * - each fix also has a focused test here.
 *
 * Found so far:
 * - ui-http-aborted-body: a client that closes its connection before the body it announced (a
 *   renderer reloaded mid-request) was logged as "kiosk request failed" at error level and answered
 *   500: readBody's "aborted" error reached the server's catch-all (src/server/api-requests.ts).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UiState } from "../../../src/contracts/ui-api.ts";
import { KioskServer } from "../../../src/server/kiosk-server.ts";
import { exchange, httpRequest, parseResponses } from "../../support/fuzz-http.ts";

const root = join(import.meta.dirname, "../../..");
const regressions = join(import.meta.dirname, "regressions");

describe("inputs that crashed a fuzz target", () => {
  const inputs = readdirSync(regressions).filter((file) => file.endsWith(".bin"));

  it.each(inputs)(
    "%s no longer crashes its target",
    (file) => {
      const target = file.startsWith("ui-http") ? "ui-http" : (file.split("-")[0] ?? "");
      const run = spawnSync(
        process.execPath,
        [
          "--expose-gc",
          "--import",
          "tsx",
          join(import.meta.dirname, "fuzz-runner.ts"),
          "--target",
          target,
          "--replay",
          join(regressions, file),
        ],
        { cwd: root, encoding: "utf8", timeout: 60_000 },
      );
      expect(run.status, run.stderr).toBe(0);
    },
    90_000,
  );
});

describe("a client that goes away before its body is complete", () => {
  const token = "regression-token-0123456789abcdefghijklmno";
  const records: Array<{ level: number; msg: string }> = [];
  let server: KioskServer;
  let port = 0;
  let dir = "";

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "sosm-fuzz-regression-"));
    writeFileSync(join(dir, "index.html"), "<!doctype html>");
    const sink = new Writable({
      write(chunk, _encoding, done) {
        records.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const logger = pino({ level: "warn" }, sink);
    server = new KioskServer({
      host: "127.0.0.1",
      port: 0,
      token,
      staticDir: dir,
      logger,
      api: {
        snapshot: () => ({}) as UiState,
        execute: async () => ({ ok: true }),
        onChange: () => () => {},
      },
    });
    port = (await server.start()).port;
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is logged as a warning, not as a failure of the core, and the server keeps answering", async () => {
    const host = `127.0.0.1:${port}`;
    const head = httpRequest("POST", "/api/command", {
      Host: host,
      Authorization: `Bearer ${token}`,
      "Content-Type": "application/json",
      "Content-Length": "65535",
    }).toString();
    // The announced body never comes: the client half-closes after 50 ms.
    await exchange(port, Buffer.from(`${head}{"type":"alarm.panic"}`), { firstMs: 50 });
    const health = parseResponses(
      (await exchange(port, httpRequest("GET", "/healthz", { Host: host }))).data,
    );
    expect(health.map((a) => a.status)).toEqual([200]);
    expect(records.filter((r) => r.level >= 50)).toEqual([]);
    expect(records.map((r) => r.msg)).toContain("kiosk request aborted by the client");
  });
});
