/**
 * Who may talk to the loopback API (DESIGN.md §4): "a web page or another local user cannot drive it".
 *
 * - Host: only `127.0.0.1:<port>` or `localhost:<port>`. A page on evil.example that rebinds its DNS
 *   name to 127.0.0.1 still sends `Host: evil.example`, so DNS rebinding stops here (421).
 * - Origin: absent (a non-browser client: the shell's health probe, tests, the CLI) or exactly the
 *   server's own origin. Any other page in the doctor's browser is refused (403), including on the
 *   WebSocket upgrade, which browsers do not subject to CORS.
 * - Token: the per-boot secret of kiosk.json, as `Authorization: Bearer` on HTTP or as the
 *   WebSocket subprotocol `sosm.<token>`; another local user cannot read kiosk.json (mode 0600).
 *   Compared in constant time.
 * - Peer: the socket's remote address must be loopback; the bind already ensures it, this is a
 *   second lock on the same door.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { uiTokenProtocolPrefix } from "../contracts/ui-api.ts";

export type GuardVerdict = { ok: true } | { ok: false; status: 401 | 403 | 421; reason: string };

const allowed: GuardVerdict = { ok: true };

export interface GuardOptions {
  port: number;
  token: string;
}

export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  return v4.startsWith("127.") || address === "::1";
}

/** The Host names this server answers to. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function checkPeer(request: IncomingMessage): GuardVerdict {
  return isLoopbackAddress(request.socket.remoteAddress)
    ? allowed
    : { ok: false, status: 403, reason: "not a loopback client" };
}

export function checkHost(request: IncomingMessage, port: number): GuardVerdict {
  const host = request.headers.host?.toLowerCase();
  if (host !== undefined && allowedHosts(port).includes(host)) return allowed;
  return { ok: false, status: 421, reason: `unexpected Host header ${JSON.stringify(host ?? null)}` };
}

/** Origin must be absent or the origin of the Host the request was sent to (both checked). */
export function checkOrigin(request: IncomingMessage, port: number): GuardVerdict {
  const origin = request.headers.origin;
  if (origin === undefined) return allowed;
  const own = allowedHosts(port).map((host) => `http://${host}`);
  if (own.includes(origin.toLowerCase())) return allowed;
  return { ok: false, status: 403, reason: `foreign Origin ${JSON.stringify(origin)}` };
}

function sameSecret(given: string, token: string): boolean {
  const a = Buffer.from(given, "utf8");
  const b = Buffer.from(token, "utf8");
  // timingSafeEqual needs equal lengths; comparing b with itself keeps the time independent of `given`.
  return a.length === b.length ? timingSafeEqual(a, b) : !timingSafeEqual(b, b);
}

export function bearerToken(request: IncomingMessage): string | null {
  const header = request.headers.authorization;
  if (header === undefined) return null;
  const match = /^Bearer ([A-Za-z0-9._~-]+)$/.exec(header);
  return match?.[1] ?? null;
}

/** The token offered as a WebSocket subprotocol, `sosm.<token>` (`sosm.v1` is the protocol itself). */
export function protocolToken(request: IncomingMessage): string | null {
  const header = request.headers["sec-websocket-protocol"];
  if (header === undefined) return null;
  for (const offered of header.split(",").map((part) => part.trim())) {
    if (offered.startsWith(uiTokenProtocolPrefix) && offered !== "sosm.v1")
      return offered.slice(uiTokenProtocolPrefix.length);
  }
  return null;
}

export function checkToken(given: string | null, token: string): GuardVerdict {
  if (given === null) return { ok: false, status: 401, reason: "no token" };
  return sameSecret(given, token) ? allowed : { ok: false, status: 401, reason: "wrong token" };
}

/** Host, peer and Origin: for every request, the static UI and /healthz included. */
export function checkRequest(request: IncomingMessage, port: number): GuardVerdict {
  for (const verdict of [checkPeer(request), checkHost(request, port), checkOrigin(request, port)])
    if (!verdict.ok) return verdict;
  return allowed;
}
