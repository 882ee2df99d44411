/**
 * The loopback API lets only the doctor's screen drive it (issue 6, DESIGN.md §4): a real server on
 * a real socket, attacked with raw requests the way a web page, a DNS-rebinding page or another
 * machine on the car's network would.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/app/logger.ts";
import { type UiCommand, type UiState, uiStateSchema } from "../../../src/contracts/ui-api.ts";
import { KioskServer, KioskServerError } from "../../../src/server/kiosk-server.ts";
import { RefusedUpgrade, rawRequest, UiSocket } from "../../support/kiosk-http.ts";
import { waitUntil } from "../../support/socat.ts";

const token = "t0k3n-for-the-security-tests-0123456789abcdef";
const logger = createLogger({ name: "kiosk-server-test", level: "silent" });

function emptyState(at = 0): UiState {
  return {
    at,
    fleet: "bordeaux",
    vehicle: "BDX-07",
    settings: { lang: "fr", theme: "auto", tiles: null },
    status: null,
    lastSent: null,
    statusOptions: [],
    gnss: { state: "silent", summary: { fr: "GNSS : muet", en: "GNSS: silent" }, lastFixAt: null, fix: null },
    dispatch: { state: "connected", since: 0, retryInMs: null, pending: 0 },
    equipment: null,
    missions: { active: null, pending: [], closing: [], ended: [] },
    messages: { unread: 0, items: [] },
    alarms: null,
    checks: null,
    shift: null,
  };
}

let server: KioskServer;
let port: number;
let dir: string;
let version = 0;
const executed: UiCommand[] = [];
const changeListeners = new Set<() => void>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sosm-kiosk-static-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>ui</title>");
  writeFileSync(join(dir, "assets", "app-1234.js"), "export {};");
  writeFileSync(join(dir, "..", "sosm-secret-outside.txt"), "secret");
  server = new KioskServer({
    host: "127.0.0.1",
    port: 0,
    token,
    staticDir: dir,
    tilesUrl: "https://tiles.example.org/{z}/{x}/{y}.png",
    logger,
    api: {
      snapshot: () => ({ ...emptyState(Date.now()), vehicle: `BDX-${version}` }),
      execute: async (command) => {
        executed.push(command);
        return { ok: true };
      },
      onChange: (listener) => {
        changeListeners.add(listener);
        return () => changeListeners.delete(listener);
      },
    },
  });
  port = (await server.start()).port;
});

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(join(dir, "..", "sosm-secret-outside.txt"), { force: true });
});

const bearer = { authorization: `Bearer ${token}` };
const ownOrigin = () => `http://127.0.0.1:${port}`;

describe("binding", () => {
  it("refuses to listen anywhere but 127.0.0.1", () => {
    for (const host of ["0.0.0.0", "::", "192.0.2.2", "localhost"])
      expect(
        () =>
          new KioskServer({
            host,
            port: 0,
            token,
            staticDir: dir,
            logger,
            api: {
              snapshot: () => emptyState(),
              execute: async () => ({ ok: true }),
              onChange: () => () => {},
            },
          }),
      ).toThrow(KioskServerError);
  });

  const external = Object.values(networkInterfaces())
    .flat()
    .find((address) => address?.family === "IPv4" && !address.internal)?.address;

  it("listens on loopback only, and cannot be reached from the car's network address", async () => {
    // The kernel's own table of listening sockets says where the server is bound, whatever
    // interfaces this machine has: 0100007F:PORT is 127.0.0.1, state 0A is LISTEN.
    const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
    const listening = readFileSync("/proc/net/tcp", "utf8")
      .split("\n")
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[3] === "0A")
      .map((fields) => fields[1]);
    expect(listening).toEqual([`0100007F:${hexPort}`]);
    // And, where the machine has a non-loopback address (the car's LAN), a connection to it fails.
    if (external === undefined) return;
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect(port, external);
      socket.once("connect", () => {
        socket.destroy();
        resolve("connected");
      });
      socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
    });
    expect(outcome).toBe("ECONNREFUSED");
  });
});

describe("HTTP", () => {
  it("answers /healthz without a token and without data", async () => {
    const response = await rawRequest({ port, path: "/healthz" });
    expect(response.status).toBe(200);
    expect(response.body).toBe("ok\n");
  });

  it("refuses the API without a token, or with a wrong one (401)", async () => {
    expect((await rawRequest({ port, path: "/api/state" })).status).toBe(401);
    const wrong = await rawRequest({
      port,
      path: "/api/state",
      headers: { authorization: `Bearer ${token}x` },
    });
    expect(wrong.status).toBe(401);
    const short = await rawRequest({ port, path: "/api/state", headers: { authorization: "Bearer abc" } });
    expect(short.status).toBe(401);
    expect(wrong.body).not.toContain("BDX");
  });

  it("serves the state with the token, as the UI API schema says", async () => {
    const response = await rawRequest({ port, path: "/api/state", headers: bearer });
    expect(response.status).toBe(200);
    expect(uiStateSchema.safeParse(JSON.parse(response.body)).success).toBe(true);
    const withOrigin = await rawRequest({
      port,
      path: "/api/state",
      headers: { ...bearer, origin: ownOrigin() },
    });
    expect(withOrigin.status).toBe(200);
  });

  it("refuses a foreign Origin even with the token (403)", async () => {
    for (const origin of [
      "https://evil.example",
      "http://127.0.0.1:1",
      "null",
      `http://127.0.0.1:${port}.evil.example`,
    ]) {
      const response = await rawRequest({ port, path: "/api/state", headers: { ...bearer, origin } });
      expect(response.status, origin).toBe(403);
    }
  });

  it("refuses another Host, as a DNS-rebinding page sends (421)", async () => {
    for (const host of ["evil.example", `evil.example:${port}`, "127.0.0.1", `127.0.0.1:${port + 1}`]) {
      const response = await rawRequest({ port, path: "/api/state", headers: { ...bearer, host } });
      expect(response.status, host).toBe(421);
    }
    const index = await rawRequest({ port, path: "/", headers: { host: "evil.example" } });
    expect(index.status).toBe(421);
    const local = await rawRequest({
      port,
      path: "/api/state",
      headers: { ...bearer, host: `localhost:${port}` },
    });
    expect(local.status).toBe(200);
  });

  it("refuses a bad command with the field at fault, and runs nothing", async () => {
    const before = executed.length;
    const post = (body: string, type = "application/json") =>
      rawRequest({
        port,
        path: "/api/command",
        method: "POST",
        headers: { ...bearer, "content-type": type },
        body,
      });
    const unknownStatus = await post(JSON.stringify({ type: "status.set", key: "flying" }));
    expect(unknownStatus.status).toBe(400);
    const outcome = JSON.parse(unknownStatus.body);
    expect(outcome).toMatchObject({ ok: false, error: { code: "invalid_command", fields: ["key"] } });
    expect(outcome.error.text.fr).toContain("rien n'a changé");
    const extra = await post(JSON.stringify({ type: "alarm.panic", force: true }));
    expect(JSON.parse(extra.body).error.fields).toEqual(["force"]);
    expect((await post("{not json")).status).toBe(400);
    expect((await post(JSON.stringify({ type: "alarm.panic" }), "text/plain")).status).toBe(415);
    expect((await post("x".repeat(70_000))).status).toBe(413);
    expect(executed.length).toBe(before);
    const good = await post(JSON.stringify({ type: "alarm.panic" }));
    expect(JSON.parse(good.body)).toEqual({ ok: true });
    expect(executed.at(-1)).toEqual({ type: "alarm.panic" });
  });

  it("serves the UI with its content type and a strict CSP, and nothing outside its folder", async () => {
    const index = await rawRequest({ port, path: "/" });
    expect(index.status).toBe(200);
    expect(index.headers["content-type"]).toBe("text/html; charset=utf-8");
    const csp = String(index.headers["content-security-policy"]);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).toContain("img-src 'self' data: https://tiles.example.org");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(index.headers["x-content-type-options"]).toBe("nosniff");
    const script = await rawRequest({ port, path: "/assets/app-1234.js" });
    expect(script.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(script.headers["cache-control"]).toContain("immutable");
    for (const path of [
      "/../sosm-secret-outside.txt",
      "/%2e%2e/sosm-secret-outside.txt",
      "/assets/../../sosm-secret-outside.txt",
      "/assets",
    ])
      expect((await rawRequest({ port, path })).status, path).toBe(404);
    expect((await rawRequest({ port, path: "/", method: "DELETE" })).status).toBe(405);
  });
});

describe("WebSocket", () => {
  it("refuses an upgrade without the token, with a wrong one, or from a foreign origin", async () => {
    const refusal = async (options: Parameters<typeof UiSocket.open>[0]) => {
      try {
        const socket = await UiSocket.open(options);
        await socket.close();
        return 101;
      } catch (error) {
        if (error instanceof RefusedUpgrade) return error.status;
        throw error;
      }
    };
    expect(await refusal({ port, origin: ownOrigin() })).toBe(401);
    expect(await refusal({ port, token: "wrong-token", origin: ownOrigin() })).toBe(401);
    expect(await refusal({ port, token, origin: "https://evil.example" })).toBe(403);
    expect(await refusal({ port, token, origin: ownOrigin(), host: "evil.example" })).toBe(421);
    expect(await refusal({ port, token, origin: ownOrigin(), path: "/other" })).toBe(403);
  });

  it("accepts the screen (own origin) and a non-browser client (no origin) with the token, state first", async () => {
    for (const origin of [ownOrigin(), undefined]) {
      const socket = await UiSocket.open({ port, token, ...(origin ? { origin } : {}) });
      expect(socket.socket.protocol).toBe("sosm.v1");
      await waitUntil(() => socket.states().length === 1, "the first state");
      await socket.close();
    }
  });

  it("answers each request by its id, and a bad one with the reason, without running it", async () => {
    const socket = await UiSocket.open({ port, token, origin: ownOrigin() });
    const before = executed.length;
    socket.send({ requestId: "r1", command: { type: "status.set", key: "en_route", extra: 1 } });
    socket.send("not json");
    socket.send({ requestId: "r2", command: { type: "loneWorker.answer" } });
    await waitUntil(() => socket.messages.filter((m) => m.kind !== "state").length === 3, "three answers");
    const answers = socket.messages.filter((m) => m.kind !== "state");
    expect(answers).toContainEqual(
      expect.objectContaining({
        kind: "result",
        requestId: "r1",
        outcome: expect.objectContaining({ ok: false }),
      }),
    );
    expect(answers).toContainEqual(expect.objectContaining({ kind: "problem" }));
    expect(answers).toContainEqual({ kind: "result", requestId: "r2", outcome: { ok: true } });
    expect(executed.slice(before)).toEqual([{ type: "loneWorker.answer" }]);
    await socket.close();
  });

  it("pushes changes, at most one state per 100 ms however many changes come", async () => {
    const socket = await UiSocket.open({ port, token, origin: ownOrigin() });
    await waitUntil(() => socket.states().length === 1, "the first state");
    const started = Date.now();
    const burst = setInterval(() => {
      version++;
      for (const listener of changeListeners) listener();
    }, 5);
    await waitUntil(() => Date.now() - started > 600, "the burst", 5_000);
    clearInterval(burst);
    const pushed = socket.states().length - 1;
    const elapsed = Date.now() - started;
    expect(pushed).toBeGreaterThanOrEqual(2);
    expect(pushed).toBeLessThanOrEqual(Math.floor(elapsed / 100) + 1);
    await waitUntil(() => socket.states().at(-1)?.state.vehicle === `BDX-${version}`, "the last change");
    await socket.close();
  });
});
