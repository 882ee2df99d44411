/**
 * The loopback API of a REAL `sosm core` process (test/support/car-process.ts), attacked the way a
 * web page in the doctor's browser, a DNS-rebinding page, another machine on the car's network or
 * another local program would (DESIGN.md §4; issue 9). test/unit/server/kiosk-server-security.test.ts
 * checks the server class in-process with a fake core; this checks what the shipped process does:
 * where it listens, its handoff file, the per-boot token on HTTP and WebSocket, Origin and Host,
 * body limits, CORS and the UI's security headers, and that it still answers after all of it.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { connect } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uiStateSchema } from "../../../src/contracts/ui-api.ts";
import { CarProcess } from "../../support/car-process.ts";
import { exchange, httpRequest, parseResponses } from "../../support/fuzz-http.ts";
import { RefusedUpgrade, rawRequest, UiSocket } from "../../support/kiosk-http.ts";
import { Mosquitto } from "../../support/mosquitto.ts";
import { waitUntil } from "../../support/socat.ts";

interface Handoff {
  url: string;
  token: string;
  pid: number;
}

let broker: Mosquitto;
let dir: string;
let car: CarProcess;
let handoff: Handoff;
let port = 0;

function readHandoff(): Handoff | null {
  try {
    return JSON.parse(readFileSync(join(car.dataDir, "kiosk.json"), "utf8")) as Handoff;
  } catch {
    return null;
  }
}

async function boot(): Promise<Handoff> {
  const child = car.start();
  await waitUntil(() => readHandoff()?.pid === child.pid, `the core's kiosk.json\n${car.output}`, 45_000);
  const current = readHandoff() as Handoff;
  port = Number(new URL(current.url).port);
  return current;
}

beforeAll(async () => {
  broker = await Mosquitto.start();
  dir = mkdtempSync(join(tmpdir(), "sosm-loopback-security-"));
  car = new CarProcess({ dir, mqttUrl: broker.url });
  handoff = await boot();
}, 60_000);

afterAll(async () => {
  await car?.stop();
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

const own = () => `127.0.0.1:${port}`;
const bearer = () => ({ authorization: `Bearer ${handoff.token}` });

/** The status of one raw request on a fresh connection. */
async function status(method: string, path: string, headers: Record<string, string>, body?: string) {
  const [answer] = parseResponses(
    (await exchange(port, httpRequest(method, path, { Host: own(), ...headers }, body))).data,
  );
  return answer?.status ?? 0;
}

async function upgradeStatus(options: Parameters<typeof UiSocket.open>[0]): Promise<number> {
  try {
    const socket = await UiSocket.open(options);
    await socket.close();
    return 101;
  } catch (error) {
    if (error instanceof RefusedUpgrade) return error.status;
    throw error;
  }
}

describe("where the core listens", () => {
  it("listens on 127.0.0.1 only: no other IPv4 address, no IPv6", () => {
    const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
    const listening = (file: string) =>
      readFileSync(file, "utf8")
        .split("\n")
        .map((line) => line.trim().split(/\s+/))
        .filter((fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[3] === "0A")
        .map((fields) => fields[1]);
    expect(listening("/proc/net/tcp")).toEqual([`0100007F:${hexPort}`]);
    expect(listening("/proc/net/tcp6")).toEqual([]);
  });

  it("cannot be reached on the machine's network address", async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address?.family === "IPv4" && !address.internal)?.address;
    if (external === undefined) return; // no network interface on this machine: nothing to reach
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

  it("hands its address and token to its owner only (kiosk.json, mode 0600)", () => {
    expect(statSync(join(car.dataDir, "kiosk.json")).mode & 0o777).toBe(0o600);
    expect(handoff.url).toBe(`http://127.0.0.1:${port}/`);
    expect(handoff.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe("the per-boot token", () => {
  it("is required on HTTP: none, a wrong one, another scheme, in the query or a cookie get 401", async () => {
    const t = handoff.token;
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: `Bearer ${t}x` },
      { authorization: `Bearer ${t.slice(0, -1)}` },
      { authorization: `bearer ${t}` },
      { authorization: `Basic ${Buffer.from(`sosm:${t}`).toString("base64")}` },
      { cookie: `token=${t}` },
    ];
    for (const headers of attempts) {
      expect(await status("GET", "/api/state", headers), JSON.stringify(headers)).toBe(401);
      expect(
        await status(
          "POST",
          "/api/command",
          { ...headers, "content-type": "application/json" },
          '{"type":"alarm.panic"}',
        ),
      ).toBe(401);
    }
    expect(await status("GET", `/api/state?token=${t}`, {})).toBe(401);
    const state = await rawRequest({ port, path: "/api/state", headers: bearer() });
    expect(state.status).toBe(200);
    expect(uiStateSchema.safeParse(JSON.parse(state.body)).success).toBe(true);
  });

  it("is required on the WebSocket: none or a wrong one get 401, the right one the state", async () => {
    const origin = `http://${own()}`;
    expect(await upgradeStatus({ port, origin })).toBe(401);
    expect(await upgradeStatus({ port, origin, token: `${handoff.token}x` })).toBe(401);
    expect(await upgradeStatus({ port, origin, path: `/api/ws?token=${handoff.token}` })).toBe(401);
    const socket = await UiSocket.open({ port, origin, token: handoff.token });
    await waitUntil(() => socket.states().length > 0, "the first state");
    await socket.close();
  });
});

describe("who may call it", () => {
  it("refuses a foreign Origin with the token, on HTTP (403) and on the WebSocket (403)", async () => {
    for (const origin of [
      "https://evil.example",
      "null",
      `http://127.0.0.1:${port + 1}`,
      `http://127.0.0.1:${port}.evil.example`,
      `https://127.0.0.1:${port}`,
    ]) {
      expect(await status("GET", "/api/state", { ...bearer(), origin }), origin).toBe(403);
      expect(await upgradeStatus({ port, origin, token: handoff.token }), origin).toBe(403);
    }
  });

  it("refuses another Host, as a DNS-rebinding page sends, on HTTP (421) and on the WebSocket (421)", async () => {
    for (const host of [
      "evil.example",
      `evil.example:${port}`,
      "127.0.0.1",
      `127.0.0.1:${port + 1}`,
      `localhost.evil.example:${port}`,
      `0.0.0.0:${port}`,
    ]) {
      expect(await status("GET", "/api/state", { ...bearer(), Host: host }), host).toBe(421);
      expect(await status("GET", "/", { Host: host }), host).toBe(421);
      expect(await upgradeStatus({ port, host, token: handoff.token, origin: `http://${own()}` }), host).toBe(
        421,
      );
    }
  });
});

describe("what it accepts", () => {
  it("refuses bodies over 64 KiB, announced or chunked (413), and runs nothing", async () => {
    const json = { ...bearer(), "content-type": "application/json", origin: `http://${own()}` };
    // A valid command (the panic button works in every screen mode), padded past the limit.
    const big = `${JSON.stringify({ type: "alarm.panic" })}${" ".repeat(70_000)}`;
    expect(await status("POST", "/api/command", json, big)).toBe(413);
    const chunked = httpRequest("POST", "/api/command", {
      Host: own(),
      ...json,
      "transfer-encoding": "chunked",
    });
    const chunks = Buffer.concat([chunked, Buffer.from(`${big.length.toString(16)}\r\n${big}\r\n0\r\n\r\n`)]);
    expect(parseResponses((await exchange(port, chunks)).data).map((a) => a.status)).toEqual([413]);
    const db = new Database(car.dbPath, { readonly: true, fileMustExist: true });
    try {
      expect(db.prepare("SELECT count(*) AS n FROM deliveries WHERE type = 'alarm'").get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it("closes a WebSocket that sends a message over 64 KiB (1009), and keeps serving others", async () => {
    const socket = await UiSocket.open({ port, origin: `http://${own()}`, token: handoff.token });
    const closed = new Promise<number>((resolve) => socket.socket.once("close", (code) => resolve(code)));
    socket.send(
      JSON.stringify({ requestId: "big", command: { type: "message.send", text: "x".repeat(70_000) } }),
    );
    expect(await closed).toBe(1009);
    expect(await upgradeStatus({ port, origin: `http://${own()}`, token: handoff.token })).toBe(101);
  });

  it("sends no CORS header, not even to a preflight or to its own origin", async () => {
    for (const [method, headers] of [
      [
        "OPTIONS",
        {
          origin: "https://evil.example",
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization",
        },
      ],
      ["GET", { ...bearer(), origin: `http://${own()}` }],
      ["GET", bearer()],
    ] as const) {
      const answers = parseResponses(
        (await exchange(port, httpRequest(method, "/api/state", { Host: own(), ...headers }))).data,
      );
      expect(answers).toHaveLength(1);
      expect(
        Object.keys(answers[0]?.headers ?? {}).filter((name) => name.startsWith("access-control-")),
      ).toEqual([]);
    }
  });
});

describe("the UI's security headers", () => {
  it("are on the page, on the API and on a refusal: strict CSP, no sniffing, no framing, no referrer", async () => {
    for (const [path, headers] of [
      ["/", {}],
      ["/api/state", bearer()],
      ["/api/state", {}],
    ] as const) {
      const [answer] = parseResponses(
        (await exchange(port, httpRequest("GET", path, { Host: own(), ...headers }))).data,
      );
      const h = answer?.headers ?? {};
      const csp = h["content-security-policy"] ?? "";
      expect(csp, path).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("base-uri 'none'");
      expect(csp).toContain("form-action 'none'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(h["x-content-type-options"]).toBe("nosniff");
      expect(h["x-frame-options"]).toBe("DENY");
      expect(h["referrer-policy"]).toBe("no-referrer");
      expect(h["cross-origin-opener-policy"]).toBe("same-origin");
      expect(h["cross-origin-resource-policy"]).toBe("same-origin");
      expect(h["x-powered-by"]).toBeUndefined();
    }
  });
});

describe("a new boot", () => {
  it("has a new token, and the old one opens nothing any more; the core survived all of the above", async () => {
    expect(car.running).toBe(true);
    const old = handoff.token;
    await car.stop();
    handoff = await boot();
    expect(handoff.token).not.toBe(old);
    expect(await status("GET", "/api/state", { authorization: `Bearer ${old}` })).toBe(401);
    expect(await upgradeStatus({ port, origin: `http://${own()}`, token: old })).toBe(401);
    expect(await status("GET", "/api/state", bearer())).toBe(200);
  }, 60_000);
});
