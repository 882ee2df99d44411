/**
 * Fuzz target: the kiosk UI API over HTTP (src/server: request guard, static files, body reading,
 * the UI command schema, the commands run against the real core), fed raw bytes on a TCP socket
 * to the core's loopback port, as a hostile local program could send them.
 *
 * Input: the raw request bytes (half-closed after writing). Crash:
 * - the core logs an error (a request or a command that failed inside: "kiosk request failed");
 * - a 5xx answer (but the documented 503 page of a UI that was not built);
 * - an API answer (JSON 2xx) to bytes that do not carry the token: the guard let a request through;
 * - the per-boot token in any answer (kiosk.json read through a path trick, or a leak);
 * - the server not answering /healthz and an authorised /api/state afterwards (alive()).
 * Seeds: well-formed requests for every path and every UI command, a WebSocket upgrade carrying a
 * masked command frame. Repairs: Content-Length recomputed; JSON bodies mutated as trees.
 */
import { exchange, parseResponses } from "../../../support/fuzz-http.ts";
import { rawRequest } from "../../../support/kiosk-http.ts";
import { FuzzCrash, type FuzzTarget } from "../coverage-fuzzer.ts";
import { mutateJsonText, type Rng } from "../mutators.ts";
import { type FuzzCar, startFuzzCar } from "./car-rig.ts";
import { protocolWords, uiCommandSeeds } from "./protocol-samples.ts";

const headerEnd = Buffer.from("\r\n\r\n");

/** True when the bytes hold a whole request: a head, and the body its Content-Length announces. */
function looksComplete(bytes: Buffer): boolean {
  const end = bytes.indexOf(headerEnd);
  if (end < 0) return false;
  const head = bytes.subarray(0, end).toString("latin1");
  if (/^transfer-encoding:.*chunked/im.test(head)) return bytes.subarray(-5).toString() === "0\r\n\r\n";
  const length = /^content-length:\s*(\d+)\s*$/im.exec(head);
  return length === null || bytes.length - end - 4 >= Number(length[1]);
}

/** A masked WebSocket text frame (clients must mask, RFC 6455 §5.3). */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
  const length =
    payload.length < 126
      ? Buffer.from([0x80 | payload.length])
      : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] ?? 0)));
  return Buffer.concat([Buffer.from([0x81]), length, mask, masked]);
}

/** Sets Content-Length to the real length of the first request's body. */
export function fixContentLength(input: Uint8Array): Uint8Array {
  const buffer = Buffer.from(input);
  const end = buffer.indexOf(headerEnd);
  if (end < 0) return input;
  const head = buffer.subarray(0, end).toString("latin1");
  const body = buffer.subarray(end + 4);
  const lines = head.split("\r\n").filter((line) => !/^content-length:/i.test(line));
  lines.push(`Content-Length: ${body.length}`);
  return Buffer.concat([Buffer.from(lines.join("\r\n"), "latin1"), headerEnd, body]);
}

/**
 * Inputs name the per-boot port and token by placeholders, so that a saved crash replays on another
 * boot (`fuzz-runner.ts --replay`).
 */
const portMark = "@@PORT@@";
const tokenMark = "@@TOKEN@@";

export function uiHttpTarget(): FuzzTarget {
  let car: FuzzCar | null = null;
  const request = (method: string, path: string, headers: string[], body = "") =>
    Buffer.from(
      [
        `${method} ${path} HTTP/1.1`,
        `Host: 127.0.0.1:${portMark}`,
        ...headers,
        ...(body === "" ? [] : [`Content-Length: ${Buffer.byteLength(body)}`]),
        "",
        body,
      ].join("\r\n"),
    );
  const headerVariants = () => [
    `Authorization: Bearer ${tokenMark}`,
    `Authorization: Bearer ${tokenMark}x`,
    `Authorization: bearer ${tokenMark}`,
    "Authorization: Basic c29zbTpzb3Nt",
    `Host: 127.0.0.1:${portMark}`,
    `Host: localhost:${portMark}`,
    "Host: evil.example",
    `Host: 127.0.0.1:${portMark}.evil.example`,
    `Origin: http://127.0.0.1:${portMark}`,
    "Origin: https://evil.example",
    "Origin: null",
    "Content-Type: application/json",
    "Content-Type: text/plain",
    "Content-Type: application/json; charset=latin1",
    "Transfer-Encoding: chunked",
    "Expect: 100-continue",
    "Connection: keep-alive",
    "Connection: Upgrade",
    "Upgrade: websocket",
    `Sec-WebSocket-Protocol: sosm.v1, sosm.${tokenMark}`,
  ];
  return {
    name: "ui-http",
    sources: ["/src/server/", "/src/contracts/ui-api.ts", "/src/services/", "/src/domain/"],
    maxInputBytes: 8192,
    dictionary: [
      ...headerVariants().map((h) => `\r\n${h}`),
      "/api/command",
      "/api/state",
      "/api/ws",
      "/healthz",
      "/",
      "/assets/",
      "/index.html",
      "/..",
      "/%2e%2e/",
      "%00",
      "//",
      "?x=1",
      "#",
      " HTTP/1.0",
      " HTTP/1.1",
      "GET ",
      "POST ",
      "HEAD ",
      "OPTIONS ",
      "\r\n\r\n",
      "\r\n",
      "0\r\n\r\n",
      portMark,
      tokenMark,
      ...protocolWords.map((word) => `"${word}"`),
    ],
    async setup() {
      car = await startFuzzCar();
    },
    seeds() {
      const auth = `Authorization: Bearer ${tokenMark}`;
      const own = `Origin: http://127.0.0.1:${portMark}`;
      const json = "Content-Type: application/json";
      const upgrade = [
        "Upgrade: websocket",
        "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version: 13",
        `Sec-WebSocket-Protocol: sosm.v1, sosm.${tokenMark}`,
        own,
      ];
      return [
        request("GET", "/healthz", []),
        request("GET", "/", []),
        request("GET", "/api/state", [auth, own]),
        request("GET", "/api/state", [auth, "Connection: keep-alive"]),
        request("HEAD", "/assets/index.js", []),
        request("OPTIONS", "/api/command", [
          "Origin: https://evil.example",
          "Access-Control-Request-Method: POST",
        ]),
        ...uiCommandSeeds.map((command) =>
          request("POST", "/api/command", [auth, own, json], JSON.stringify(command)),
        ),
        Buffer.concat([
          request("GET", "/api/ws", upgrade),
          maskedTextFrame(JSON.stringify({ requestId: "r1", command: { type: "ui.activity" } })),
        ]),
      ];
    },
    mutate(input: Uint8Array, rng: Rng) {
      const buffer = Buffer.from(input);
      const end = buffer.indexOf(headerEnd);
      if (end < 0) return null;
      if (rng.chance(0.3)) {
        // A header line swapped for a variant: another Host, Origin, token, encoding...
        const lines = buffer.subarray(0, end).toString("latin1").split("\r\n");
        const at = 1 + rng.below(Math.max(1, lines.length - 1));
        lines.splice(at, rng.chance(0.5) ? 1 : 0, rng.pick(headerVariants()));
        return fixContentLength(
          Buffer.concat([Buffer.from(lines.join("\r\n"), "latin1"), buffer.subarray(end)]),
        );
      }
      const body = mutateJsonText(buffer.subarray(end + 4).toString("utf8"), rng, protocolWords);
      if (body === null) return null;
      return fixContentLength(Buffer.concat([buffer.subarray(0, end + 4), Buffer.from(body)]));
    },
    fixup: fixContentLength,
    async exec(input) {
      if (car === null) throw new Error("setup() first");
      car.errors.reset();
      const concrete = Buffer.from(
        Buffer.from(input)
          .toString("latin1")
          .replaceAll(portMark, String(car.port))
          .replaceAll(tokenMark, car.rig.token),
        "latin1",
      );
      // An incomplete request waits for bytes that never come: give up (half-close) soon.
      const { data } = await exchange(car.port, concrete, { firstMs: looksComplete(concrete) ? 1000 : 50 });
      const text = data.toString("latin1");
      if (text.includes(car.rig.token)) throw new FuzzCrash("the token appears in an answer");
      const carriesToken = concrete.includes(car.rig.token);
      for (const { status, headers } of parseResponses(data)) {
        if (status >= 500 && !(status === 503 && text.includes("Interface non construite")))
          throw new FuzzCrash(`answered ${status}`);
        if (
          status >= 200 &&
          status < 300 &&
          headers["content-type"]?.startsWith("application/json") &&
          !carriesToken
        )
          throw new FuzzCrash(`API answered ${status} to a request without the token`);
        if (headers["access-control-allow-origin"] !== undefined)
          throw new FuzzCrash("a CORS header was sent");
      }
      car.errors.throwIfAny();
    },
    async alive() {
      if (car === null) throw new Error("setup() first");
      const health = await rawRequest({ port: car.port, path: "/healthz" });
      if (health.status !== 200) throw new FuzzCrash(`/healthz answered ${health.status}`);
      const state = await rawRequest({
        port: car.port,
        path: "/api/state",
        headers: { authorization: `Bearer ${car.rig.token}` },
      });
      if (state.status !== 200) throw new FuzzCrash(`/api/state answered ${state.status}`);
    },
    async teardown() {
      await car?.rig.close();
    },
  };
}
