/**
 * How the gateway opens its AMQP link: heartbeat, socket options (TLS files, SASL EXTERNAL), and a
 * timeout for calls that a silent broker would never answer.
 */
import { readFileSync } from "node:fs";
import amqp from "amqplib";
import type { HubSanteConfig } from "./hub-sante-config.ts";

const amqpHeartbeatSeconds = 15;

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** A dead peer is noticed within ~2 heartbeats instead of the broker's default 60 s. */
export function withHeartbeat(url: string): string {
  if (/[?&]heartbeat=/.test(url)) return url;
  return `${url}${url.includes("?") ? "&" : "?"}heartbeat=${amqpHeartbeatSeconds}`;
}

/** amqplib passes these to `net.connect` / `tls.connect`, and reads `credentials` for SASL. */
export function socketOptions(config: HubSanteConfig): Record<string, unknown> {
  const tls = config.tls ?? {};
  const file = (path: string | undefined) => (path === undefined ? undefined : readFileSync(path));
  const entries: Record<string, unknown> = {
    timeout: 10_000,
    noDelay: true,
    ca: file(tls.ca),
    cert: file(tls.cert),
    key: file(tls.key),
    pfx: file(tls.pfx),
    passphrase: tls.passphrase,
    ...(config.saslExternal ? { credentials: amqp.credentials.external() } : {}),
  };
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}
