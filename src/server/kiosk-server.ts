/**
 * The loopback HTTP + WebSocket server of the doctor's screen (issue 6; DESIGN.md §4).
 *
 * - Binds 127.0.0.1 only, and refuses to start on any other host.
 * - Every request passes the guard (request-guard.ts): Host, peer, Origin; the API also the token.
 * - Every command is parsed by the UI API schema (src/contracts/ui-api.ts) before anything runs.
 * - State is pushed to every screen, at most 10 times a second (state-pusher.ts).
 */
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { coreHealthPath } from "../contracts/core-health.ts";
import {
  type UiCommand,
  type UiOutcome,
  type UiServerMessage,
  type UiState,
  uiApiPaths,
  uiCommandSchema,
  uiRequestSchema,
  uiSubprotocol,
} from "../contracts/ui-api.ts";
import type { Logger } from "../services/ports.ts";
import {
  invalid,
  invalidCommand,
  maxBodyBytes,
  parseJson,
  RequestAborted,
  readBody,
} from "./api-requests.ts";
import { commandFailure } from "./command-failure.ts";
import { processHealth } from "./process-health.ts";
import { bearerToken, checkRequest, checkToken, type GuardVerdict, protocolToken } from "./request-guard.ts";
import { StatePusher } from "./state-pusher.ts";
import { contentSecurityPolicy, notBuiltPage, StaticFiles, tilesOriginOf } from "./static-files.ts";

/** What the server needs from the core: its state, its commands, and a nudge when things change. */
export interface KioskApi {
  snapshot(): UiState;
  execute(command: UiCommand): Promise<UiOutcome>;
  onChange(listener: () => void): () => void;
}

export interface KioskServerOptions {
  /** Must be "127.0.0.1". */
  host: string;
  /** 0: a free port chosen by the OS. */
  port: number;
  token: string;
  staticDir: string;
  tilesUrl?: string;
  api: KioskApi;
  logger: Logger;
  minPushIntervalMs?: number;
  refreshMs?: number;
  maxClients?: number;
  /** The core's wall clock, for the health report (default `Date.now`). */
  now?: () => number;
}

export class KioskServerError extends Error {
  override name = "KioskServerError";
}

export function assertLoopbackHost(host: string): void {
  if (host !== "127.0.0.1")
    throw new KioskServerError(
      `the kiosk API listens on 127.0.0.1 only (DESIGN.md §4); refusing to listen on ${JSON.stringify(host)}`,
    );
}

export class KioskServer {
  private readonly http: Server;
  private readonly sockets: WebSocketServer;
  private readonly files: StaticFiles;
  private readonly pusher: StatePusher;
  private port = 0;
  private csp = "";
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly options: KioskServerOptions) {
    assertLoopbackHost(options.host);
    this.files = new StaticFiles(options.staticDir);
    this.pusher = new StatePusher({
      snapshot: () => options.api.snapshot(),
      logger: options.logger,
      ...(options.minPushIntervalMs === undefined ? {} : { minIntervalMs: options.minPushIntervalMs }),
      ...(options.refreshMs === undefined ? {} : { refreshMs: options.refreshMs }),
    });
    this.http = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (error instanceof RequestAborted) {
          options.logger.warn(
            { url: request.url, reason: error.message },
            "kiosk request aborted by the client",
          );
          response.destroy();
          return;
        }
        options.logger.error({ err: error, url: request.url }, "kiosk request failed");
        if (!response.headersSent) this.reply(response, 500, "text/plain; charset=utf-8", "internal error");
        else response.destroy();
      });
    });
    this.sockets = new WebSocketServer({
      noServer: true,
      maxPayload: maxBodyBytes,
      handleProtocols: (protocols) => (protocols.has(uiSubprotocol) ? uiSubprotocol : false),
    });
    this.http.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(request, socket, head),
    );
  }

  /** Listens; resolves with the address once it does. */
  async start(): Promise<{ port: number; url: string }> {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.http.once("error", onError);
      this.http.listen(this.options.port, this.options.host, () => {
        this.http.off("error", onError);
        resolve();
      });
    });
    const address = this.http.address();
    this.port = typeof address === "object" && address !== null ? address.port : this.options.port;
    this.csp = contentSecurityPolicy(this.port, tilesOriginOf(this.options.tilesUrl));
    this.unsubscribe = this.options.api.onChange(() => this.pusher.request());
    return { port: this.port, url: `http://127.0.0.1:${this.port}/` };
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.pusher.closeAll();
    this.sockets.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  get connectedClients(): number {
    return this.pusher.size;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const guard = checkRequest(request, this.port);
    if (!guard.ok) return this.refuse(request, response, guard);
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    const method = request.method ?? "GET";
    if (path === uiApiPaths.health && (method === "GET" || method === "HEAD"))
      return this.reply(response, 200, "text/plain; charset=utf-8", "ok\n");
    if (path.startsWith("/api/")) return this.api(request, response, path, method);
    if (method !== "GET" && method !== "HEAD")
      return this.reply(response, 405, "text/plain; charset=utf-8", "method not allowed");
    const file = await this.files.get(path);
    if (file === null) {
      if (path === "/") return this.reply(response, 503, "text/html; charset=utf-8", notBuiltPage);
      return this.reply(response, 404, "text/plain; charset=utf-8", "not found");
    }
    response.setHeader("Cache-Control", file.immutable ? "public, max-age=31536000, immutable" : "no-cache");
    this.reply(response, 200, file.contentType, method === "HEAD" ? "" : file.body);
  }

  private async api(request: IncomingMessage, response: ServerResponse, path: string, method: string) {
    const token = checkToken(bearerToken(request), this.options.token);
    if (!token.ok) return this.refuse(request, response, token);
    if (path === uiApiPaths.state && method === "GET") {
      const state = this.pusher.snapshot();
      if (state === null) return this.json(response, 500, { error: "state unavailable" });
      return this.json(response, 200, state);
    }
    if (path === coreHealthPath && method === "GET")
      return this.json(response, 200, processHealth(this.options.now?.() ?? Date.now()));
    if (path === uiApiPaths.command && method === "POST") {
      if (!/^application\/json\b/.test(request.headers["content-type"] ?? ""))
        return this.json(response, 415, invalid("expected Content-Type: application/json"));
      const body = await readBody(request);
      if (body === null) return this.json(response, 413, invalid(`body larger than ${maxBodyBytes} bytes`));
      const parsed = uiCommandSchema.safeParse(parseJson(body));
      if (!parsed.success) return this.json(response, 400, invalidCommand(parsed.error));
      const outcome = await this.run(parsed.data);
      return this.json(response, 200, outcome);
    }
    if (path === uiApiPaths.ws) return this.json(response, 426, invalid("use a WebSocket upgrade"));
    return this.json(response, 404, invalid("no such API path"));
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (request.url ?? "/").split("?")[0];
    let verdict: GuardVerdict = checkRequest(request, this.port);
    if (verdict.ok) verdict = checkToken(protocolToken(request), this.options.token);
    if (verdict.ok && path !== uiApiPaths.ws)
      verdict = { ok: false, status: 403, reason: "not the API socket" };
    if (verdict.ok && this.pusher.size >= (this.options.maxClients ?? 8))
      verdict = { ok: false, status: 403, reason: "too many screens connected" };
    if (!verdict.ok) {
      this.options.logger.warn(
        { reason: verdict.reason, origin: request.headers.origin, peer: request.socket.remoteAddress },
        "kiosk WebSocket refused",
      );
      socket.end(
        `HTTP/1.1 ${verdict.status} ${STATUS_CODES[verdict.status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
      socket.destroy();
      return;
    }
    this.sockets.handleUpgrade(request, socket, head, (client) => this.connected(client));
  }

  private connected(client: WebSocket): void {
    client.on("error", (error) => this.options.logger.warn({ err: error }, "kiosk WebSocket error"));
    client.on("message", (data, isBinary) => {
      void this.onMessage(client, isBinary ? null : data.toString());
    });
    this.pusher.add(client);
  }

  private async onMessage(client: WebSocket, text: string | null): Promise<void> {
    const json = text === null ? undefined : parseJson(text);
    const request = uiRequestSchema.safeParse(json);
    if (!request.success) {
      const requestId =
        typeof json === "object" && json !== null && "requestId" in json ? String(json.requestId) : null;
      const error = invalidCommand(request.error).error;
      send(
        client,
        requestId === null
          ? { kind: "problem", error }
          : { kind: "result", requestId, outcome: { ok: false, error } },
      );
      return;
    }
    const outcome = await this.run(request.data.command);
    send(client, { kind: "result", requestId: request.data.requestId, outcome });
  }

  private async run(command: UiCommand): Promise<UiOutcome> {
    try {
      return await this.options.api.execute(command);
    } catch (error) {
      this.options.logger.error({ err: error, command: command.type }, "kiosk command failed");
      return commandFailure(error);
    } finally {
      this.pusher.request();
    }
  }

  private refuse(request: IncomingMessage, response: ServerResponse, verdict: GuardVerdict): void {
    if (verdict.ok) return;
    this.options.logger.warn(
      { reason: verdict.reason, url: request.url, origin: request.headers.origin },
      "kiosk request refused",
    );
    this.reply(response, verdict.status, "text/plain; charset=utf-8", `${STATUS_CODES[verdict.status]}\n`);
  }

  private json(response: ServerResponse, status: number, body: unknown): void {
    response.setHeader("Cache-Control", "no-store");
    this.reply(response, status, "application/json; charset=utf-8", JSON.stringify(body));
  }

  private reply(response: ServerResponse, status: number, type: string, body: string | Buffer): void {
    response.statusCode = status;
    response.setHeader("Content-Type", type);
    response.setHeader("Content-Security-Policy", this.csp);
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    response.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    if (!response.hasHeader("Cache-Control")) response.setHeader("Cache-Control", "no-store");
    response.end(body);
  }
}

function send(client: WebSocket, message: UiServerMessage): void {
  if (client.readyState === client.OPEN) client.send(JSON.stringify(message));
}
