/**
 * mqtt.js client options for the car's link (PROTOCOL.md A; PITFALLS.md, mqtt.js), built from the
 * config's `mqtt` section. Kept apart from the link so that every option is stated once, with its
 * reason, and so that reading the TLS files fails with an error that names the file.
 */
import { readFileSync } from "node:fs";
import type { IClientOptions } from "mqtt";
import type { BackoffPolicy } from "../domain/backoff.ts";

/** PEM file paths of the per-vehicle identity (config `mqtt.tls`, DESIGN.md §4). */
export interface TlsFiles {
  ca?: string;
  cert?: string;
  key?: string;
}

export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** A TLS file that cannot be read: the message names the config field and the path. */
export class TlsFileError extends Error {
  constructor(
    readonly field: keyof TlsFiles,
    readonly path: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`cannot read mqtt.tls.${field} ${path}: ${reason}`, { cause });
    this.name = "TlsFileError";
  }
}

/**
 * Reads the PEM files. mqtt.js keeps the contents for its reconnects, so certificates rotated on
 * disk are used from the next start of the link (hardware/mosquitto/README.md).
 */
export function readTlsFiles(files: TlsFiles | undefined): TlsMaterial {
  const material: TlsMaterial = {};
  if (!files) return material;
  for (const field of ["ca", "cert", "key"] as const) {
    const path = files[field];
    if (path === undefined) continue;
    let content: Buffer;
    try {
      content = readFileSync(path);
    } catch (err) {
      throw new TlsFileError(field, path, err);
    }
    // An empty or truncated file (an interrupted copy) would otherwise surface as an opaque
    // OpenSSL error at handshake time.
    if (!content.includes("-----BEGIN ")) throw new TlsFileError(field, path, new Error("not a PEM file"));
    material[field] = content;
  }
  return material;
}

export interface WillMessage {
  topic: string;
  payload: string;
}

/** 1 s, doubling, capped at 60 s: a broker restart is absorbed in seconds, an outage costs 1/min. */
export const defaultBackoff: BackoffPolicy = { initialMs: 1000, factor: 2, maxMs: 60_000 };

export interface ClientOptionsInput {
  clientId: string;
  username?: string;
  password?: string;
  tls?: TlsFiles;
  /** Default 30 s (config `mqtt.keepaliveSeconds`). */
  keepaliveSeconds?: number;
  /** Default 7 days (MQTT 5 only). */
  sessionExpirySeconds?: number;
  /**
   * 5 by default. 4 (MQTT 3.1.1) for brokers without MQTT 5, such as the embedded aedes broker of
   * `npm start`: the session then persists on clean=false and a fixed client id alone.
   */
  protocolVersion?: 4 | 5;
  /** How long to wait for the CONNACK; default 10 s. */
  connectTimeoutMs?: number;
  /** The first reconnect delay; the link changes it after every close (capped backoff). */
  reconnectPeriodMs: number;
  will: WillMessage;
}

/** Seven days: a car off the road over a long weekend still gets the commands sent meanwhile. */
export const defaultSessionExpirySeconds = 7 * 24 * 3600;

export function buildClientOptions(input: ClientOptionsInput): IClientOptions {
  const tls = readTlsFiles(input.tls);
  return {
    clientId: input.clientId,
    protocolVersion: input.protocolVersion ?? 5,
    // PITFALLS: a persistent session needs clean: false, a fixed client id and, with MQTT 5,
    // sessionExpiryInterval > 0 (0, the default, ends the session at disconnect).
    clean: false,
    ...((input.protocolVersion ?? 5) === 5
      ? { properties: { sessionExpiryInterval: input.sessionExpirySeconds ?? defaultSessionExpirySeconds } }
      : {}),
    keepalive: input.keepaliveSeconds ?? 30,
    connectTimeout: input.connectTimeoutMs ?? 10_000,
    reconnectPeriod: input.reconnectPeriodMs,
    // A refused CONNACK (a certificate not yet in the ACL, a broker restarting) is retried like
    // any other failure: the car keeps trying and shows why (DESIGN.md §3).
    reconnectOnConnackError: true,
    // The link subscribes itself on every CONNACK and checks each granted QoS; mqtt.js's own
    // resubscribe would send a second SUBSCRIBE whose SUBACK nobody checks.
    resubscribe: false,
    // Never queue while offline (src/services/dispatch-link.ts): durability is the outbox's job.
    queueQoSZero: false,
    // The link calls connect() itself, after attaching the `message` handler (PITFALLS.md).
    manualConnect: true,
    will: { topic: input.will.topic, payload: Buffer.from(input.will.payload), qos: 1, retain: true },
    ...(input.username !== undefined ? { username: input.username } : {}),
    ...(input.password !== undefined ? { password: input.password } : {}),
    ...tls,
    // Node's default, stated because a copied snippet turning it off would defeat the CA.
    rejectUnauthorized: true,
  };
}
