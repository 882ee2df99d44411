/**
 * The real probe against a real loopback HTTP server and a real kiosk.json in a temporary folder,
 * as the core will write it (issue 6 contract).
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type CoreState,
  checkCore,
  isProcessAlive,
  nodeCoreProbe,
  waitForCore,
} from "../../../apps/kiosk/main/core-waiter.ts";
import { startingScreenCsp, startingScreenHtml } from "../../../apps/kiosk/main/starting-screen.ts";

const token = "per-boot-token-0123456789abcdef";

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid as number;
}

describe("waiting for the core", () => {
  let dir: string;
  let server: Server | null = null;
  let healthStatus = 200;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "sosm-core-waiter-"));
    healthStatus = 200;
  });
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = null;
    rmSync(dir, { recursive: true, force: true });
  });

  async function listen(): Promise<string> {
    server = createServer((request, response) => {
      response.statusCode = request.url === "/healthz" ? healthStatus : 404;
      response.end();
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  /** As the core must: a temporary file renamed over kiosk.json, so no reader sees half a file. */
  function writeHandoff(url: string, pid: number): void {
    writeFileSync(join(dir, "kiosk.json.tmp"), JSON.stringify({ url, token, pid }), { mode: 0o600 });
    renameSync(join(dir, "kiosk.json.tmp"), join(dir, "kiosk.json"));
  }

  it("is ready only when kiosk.json names a live process and /healthz answers 200", async () => {
    const probe = nodeCoreProbe({ dataDir: dir, timeoutMs: 5_000 });
    expect((await checkCore(probe)).kind).toBe("no-handoff");

    writeFileSync(join(dir, "kiosk.json"), "{");
    expect((await checkCore(probe)).kind).toBe("bad-handoff");

    const url = await listen();
    writeHandoff(url, await deadPid());
    expect((await checkCore(probe)).kind).toBe("stale-handoff");

    writeHandoff(url, process.pid);
    healthStatus = 503;
    expect(await checkCore(probe)).toMatchObject({
      kind: "unreachable",
      detail: `${url}healthz answered HTTP 503`,
    });

    healthStatus = 200;
    expect(await checkCore(probe)).toEqual({ kind: "ready", handoff: { url, token, pid: process.pid } });
  });

  it("says the core does not answer when nothing listens on the port", async () => {
    const url = await listen();
    await new Promise((resolve) => server?.close(resolve));
    server = null;
    writeHandoff(url, process.pid);
    const state = await checkCore(nodeCoreProbe({ dataDir: dir }));
    expect(state.kind).toBe("unreachable");
    expect(state.kind !== "ready" && state.detail).toMatch(/does not answer \(.*ECONNREFUSED/);
  });

  it("waits until the core writes kiosk.json and answers, reporting each state once", async () => {
    const states: CoreState["kind"][] = [];
    const waiting = waitForCore({
      probe: nodeCoreProbe({ dataDir: dir }),
      onState: (state) => states.push(state.kind),
    });
    const url = await listen();
    // The core writes kiosk.json after its server listens.
    setTimeout(() => writeHandoff(url, process.pid), 300);
    expect(await waiting).toEqual({ url, token, pid: process.pid });
    expect(states).toEqual(["no-handoff", "ready"]);
  });

  it("stops waiting when aborted", async () => {
    const abort = new AbortController();
    const waiting = waitForCore({ probe: nodeCoreProbe({ dataDir: dir }), signal: abort.signal });
    abort.abort();
    expect(await waiting).toBeNull();
  });

  it("tells a live process from a gone one", async () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(await deadPid())).toBe(false);
  });
});

describe("the starting screen page", () => {
  it("runs no script and allows only its own style, by hash", () => {
    const html = startingScreenHtml({ kind: "bad-handoff", detail: '<script>alert("x")</script>' });
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("&lt;script&gt;");
    const style = /<style>(.*)<\/style>/.exec(html)?.[1] ?? "";
    const hash = createHash("sha256").update(style).digest("base64");
    expect(startingScreenCsp).toContain(`style-src 'sha256-${hash}'`);
    expect(startingScreenCsp).toMatch(/^default-src 'none';/);
    expect(html).toContain(`content="${startingScreenCsp}"`);
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain("appelez le technicien");
  });
});
