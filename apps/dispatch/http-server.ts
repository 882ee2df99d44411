/**
 * Dispatch's HTTP + WebSocket server (src/contracts/dispatch-api.ts): the operator session, the API
 * routes (http-routes.ts), the live push on `/api/ws`, and the built web UI.
 *
 * Bound to 127.0.0.1 by default. The session cookie is HttpOnly (no script reads it) and
 * SameSite=Strict (no other site's page sends it); a POST must be JSON and, when the browser says
 * where it comes from, from this server's own origin. The `Host` header must name this server when
 * it listens on loopback, so that a rebinding DNS name cannot reach it from a web page.
 */

import type { EventEmitter } from "node:events";
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";
import { WebSocketServer } from "ws";
import type { ApiErrorCode, DispatchPush, Operator } from "../../src/contracts/dispatch-api.ts";
import type { AckToSend } from "../../src/services/dispatch-inbound.ts";
import type { Clock, Logger } from "../../src/services/ports.ts";
import type { DispatchCommandRepository } from "../../src/store/dispatch-command-repository.ts";
import type { DispatchOperatorRepository } from "../../src/store/dispatch-operator-repository.ts";
import type { DispatchQueryRepository } from "../../src/store/dispatch-query-repository.ts";
import { route } from "./http-routes.ts";
import { LoginThrottle } from "./login-throttle.ts";

export interface DispatchHttpOptions {
  host: string;
  port: number;
  webDir: string;
  fleet: string;
  logger: Logger;
  clock: Clock;
  queries: DispatchQueryRepository;
  commands: DispatchCommandRepository;
  operators: DispatchOperatorRepository;
  pushes: () => EventEmitter;
  afterCommand: () => void;
  sendAcks: (acks: readonly AckToSend[]) => void;
  /** Ingest counters and CPU; position latency since `sinceMs` (the benchmark's window). */
  metrics: (sinceMs: number) => unknown;
  /** Password guesses (default: 5 per address and name, 30 per address, per 15 min). */
  loginThrottle?: LoginThrottle;
}

export const sessionCookie = "sosm_dispatch";
const maxBodyBytes = 64 * 1024;
const mimeTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
  ".woff2": "font/woff2",
  ".mp3": "audio/mpeg",
  ".wav": "audio/wav",
};

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface RequestContext {
  method: string;
  url: URL;
  body: unknown;
  operator: Operator | null;
  token: string | null;
  /** The peer's address, for the login throttle. */
  address: string;
  throttle: LoginThrottle;
  res: ServerResponse;
  options: DispatchHttpOptions;
  push: (message: DispatchPush) => void;
}

export class DispatchHttpServer {
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private readonly throttle: LoginThrottle;
  private port = 0;

  constructor(private readonly options: DispatchHttpOptions) {
    this.throttle = options.loginThrottle ?? new LoginThrottle();
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => this.fail(res, error));
    });
    this.server.on("upgrade", (req, socket, head) => {
      const operator = this.sessionOf(req).operator;
      if (
        new URL(req.url ?? "/", "http://x").pathname !== "/api/ws" ||
        !operator ||
        !this.sameOrigin(req, true)
      ) {
        socket.end("HTTP/1.1 401 Unauthorized\r\n\r\n");
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        const send = (message: DispatchPush) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
        };
        const pushes = this.options.pushes();
        pushes.on("push", send);
        ws.on("close", () => pushes.off("push", send));
        ws.on("error", () => ws.terminate());
        send({ type: "snapshot", snapshot: this.snapshot() });
      });
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.port, this.options.host, () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    const host = this.options.host.includes(":") ? `[${this.options.host}]` : this.options.host;
    return `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${this.port}`;
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  snapshot() {
    const { queries, clock, fleet } = this.options;
    return {
      serverTime: new Date(clock.now()).toISOString(),
      fleet,
      cars: queries.cars(),
      openAlarms: queries.alarms(true),
      missions: queries.missions(true),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://dispatch.invalid");
    const method = req.method ?? "GET";
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "no-referrer");
    if (!this.hostAllowed(req)) throw new HttpError(421, "bad_request", "unexpected Host header");
    if (url.pathname === "/healthz") return json(res, 200, { ok: true });
    if (url.pathname === "/metrics")
      return json(res, 200, this.options.metrics(Number(url.searchParams.get("since") ?? 0) || 0));
    if (!url.pathname.startsWith("/api/")) return this.serveStatic(url.pathname, res);
    if (method !== "GET" && method !== "HEAD" && !this.sameOrigin(req, false))
      throw new HttpError(403, "unauthorized", "cross-origin request refused");
    const body = method === "POST" ? await readJson(req) : undefined;
    const { operator, token } = this.sessionOf(req);
    const pushes = this.options.pushes();
    await route({
      method,
      url,
      body,
      operator,
      token,
      address: req.socket.remoteAddress ?? "unknown",
      throttle: this.throttle,
      res,
      options: this.options,
      push: (m) => pushes.emit("push", m),
    });
  }

  private sessionOf(req: IncomingMessage): { operator: Operator | null; token: string | null } {
    const token = readCookie(req.headers.cookie, sessionCookie);
    if (token === null) return { operator: null, token: null };
    return { operator: this.options.operators.session(token, this.options.clock.now()), token };
  }

  private hostAllowed(req: IncomingMessage): boolean {
    if (!["127.0.0.1", "::1", "localhost"].includes(this.options.host)) return true;
    const host = req.headers.host ?? "";
    return [`127.0.0.1:${this.port}`, `localhost:${this.port}`, `[::1]:${this.port}`].includes(host);
  }

  /** A browser always sends Origin on a WebSocket and on a cross-site POST; a script may send none. */
  private sameOrigin(req: IncomingMessage, required: boolean): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return !required;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }

  private serveStatic(pathname: string, res: ServerResponse): void {
    const root = this.options.webDir;
    if (!existsSync(join(root, "index.html"))) {
      res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" });
      res.end(
        "SOSM dispatch: the web UI is not built (npm run dispatch:web:build). The API is under /api/.\n",
      );
      return;
    }
    const relative = normalize(decodeURIComponent(pathname)).replace(/^(\.\.[/\\])+/, "");
    let file = join(root, relative);
    if (!file.startsWith(root + sep) || !existsSync(file) || statSync(file).isDirectory())
      file = join(root, "index.html");
    res.writeHead(200, {
      "Content-Type": mimeTypes[extname(file)] ?? "application/octet-stream",
      "Content-Security-Policy":
        "default-src 'self'; img-src 'self' data: https://*.tile.openstreetmap.org; style-src 'self' 'unsafe-inline'; connect-src 'self'",
      "Cache-Control": file.endsWith("index.html") ? "no-cache" : "max-age=3600",
    });
    res.end(readFileSync(file));
  }

  private fail(res: ServerResponse, error: unknown): void {
    if (error instanceof HttpError) {
      json(res, error.status, { error: { code: error.code, message: error.message } }, error.headers);
      return;
    }
    this.options.logger.error({ err: error }, "dispatch API error");
    json(res, 500, { error: { code: "unavailable", message: "internal error" } });
  }
}

export function json(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
    ...headers,
  });
  res.end(JSON.stringify(value));
}

function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=") || null;
  }
  return null;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = req.headers["content-type"] ?? "";
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw new HttpError(413 as number, "bad_request", "body too large");
    chunks.push(chunk);
  }
  if (size === 0) return {};
  // A form post from another site cannot set this type without a CORS preflight, which fails here.
  if (!type.startsWith("application/json"))
    throw new HttpError(415, "bad_request", "expected application/json");
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "bad_request", "body is not JSON");
  }
}
