/**
 * Raw HTTP and WebSocket clients for the kiosk server tests: unlike fetch, they can send any Host
 * and Origin header, as a hostile page or a DNS-rebinding attack would.
 */
import { request } from "node:http";
import WebSocket from "ws";
import type { UiServerMessage } from "../../src/contracts/ui-api.ts";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawRequest {
  port: number;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Connect to this address instead of 127.0.0.1. */
  address?: string;
}

export function rawRequest(options: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: options.address ?? "127.0.0.1",
        port: options.port,
        path: options.path,
        method: options.method ?? "GET",
        headers: { host: `127.0.0.1:${options.port}`, ...options.headers },
        timeout: 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

export interface SocketOptions {
  port: number;
  token?: string;
  origin?: string;
  host?: string;
  path?: string;
}

/** A UI connection; resolves when open, or rejects with the HTTP status that refused the upgrade. */
export class UiSocket {
  readonly messages: UiServerMessage[] = [];
  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data) => this.messages.push(JSON.parse(data.toString()) as UiServerMessage));
  }

  static open(options: SocketOptions): Promise<UiSocket> {
    const protocols = ["sosm.v1", ...(options.token === undefined ? [] : [`sosm.${options.token}`])];
    const socket = new WebSocket(`ws://127.0.0.1:${options.port}${options.path ?? "/api/ws"}`, protocols, {
      ...(options.origin === undefined ? {} : { origin: options.origin }),
      ...(options.host === undefined ? {} : { headers: { host: options.host } }),
    });
    const ui = new UiSocket(socket);
    return new Promise((resolve, reject) => {
      socket.once("open", () => resolve(ui));
      socket.once("unexpected-response", (_req, res) => {
        reject(new RefusedUpgrade(res.statusCode ?? 0));
        socket.terminate();
      });
      socket.once("error", (error) => reject(error));
    });
  }

  states() {
    return this.messages.filter((m) => m.kind === "state");
  }

  send(value: unknown): void {
    this.socket.send(typeof value === "string" ? value : JSON.stringify(value));
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once("close", () => resolve());
      this.socket.close();
    });
  }
}

export class RefusedUpgrade extends Error {
  constructor(readonly status: number) {
    super(`WebSocket upgrade refused with HTTP ${status}`);
  }
}
