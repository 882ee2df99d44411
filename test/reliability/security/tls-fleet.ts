/**
 * A real mosquitto running the shipped broker configuration (hardware/mosquitto/mosquitto.conf and
 * acl) with TLS and per-identity dev certificates from make-dev-certs.sh. Only the certificate
 * folder and the listener port are changed for the tests. Shared by the security suite's MQTT tests.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { pino } from "pino";
import { systemClock } from "../../../src/services/ports.ts";
import { MqttDispatchLink } from "../../../src/transport/mqtt-dispatch-link.ts";
import { Mosquitto } from "../../support/mosquitto.ts";

export const hardware = new URL("../../../hardware/mosquitto/", import.meta.url).pathname;
export const carA = "sosm-bordeaux-BDX-07";
export const carB = "sosm-bordeaux-BDX-08";
export const dispatchIdentity = "sosm-dispatch";
/** Signed by the CA, but not in the roster (hardware/mosquitto/acl). */
export const stranger = "sosm-bordeaux-BDX-99";

export class TlsFleet {
  readonly url: string;
  private readonly cleanups: Array<() => Promise<unknown> | unknown> = [];

  private constructor(
    readonly certs: string,
    readonly broker: Mosquitto,
  ) {
    this.url = `mqtts://127.0.0.1:${broker.port}`;
  }

  /** The shipped config on a free port, with certificates for `identities` (and the CA, server). */
  static async start(
    identities: readonly string[] = [carA, carB, dispatchIdentity, stranger],
  ): Promise<TlsFleet> {
    const certs = mkdtempSync(join(tmpdir(), "sosm-certs-"));
    execFileSync(join(hardware, "make-dev-certs.sh"), [certs, ...identities], { stdio: "pipe" });
    copyFileSync(join(hardware, "acl"), join(certs, "acl"));
    const broker = await Mosquitto.start({ allowAnonymous: false, extraConfig: shippedConfig(certs) });
    return new TlsFleet(certs, broker);
  }

  /** The CA, certificate and key of `name`, as mqtt.js options (from `dir`, default this fleet's). */
  identity(name: string, dir = this.certs): IClientOptions {
    const read = (file: string) => readFileSync(join(dir, file));
    return { ca: read("ca.crt"), cert: read(`${name}.crt`), key: read(`${name}.key`) };
  }

  /** The PEM file paths of `name`, as the car's config gives them. */
  files(name: string): { ca: string; cert: string; key: string } {
    return {
      ca: join(this.certs, "ca.crt"),
      cert: join(this.certs, `${name}.crt`),
      key: join(this.certs, `${name}.key`),
    };
  }

  /** An MQTT 5 client over TLS as `name`; ended by cleanup(). */
  async connectAs(name: string, options: IClientOptions = {}): Promise<MqttClient> {
    const client = await mqtt.connectAsync(this.url, {
      ...this.identity(name),
      protocolVersion: 5,
      reconnectPeriod: 0,
      connectTimeout: 5000,
      ...options,
    });
    this.onCleanup(() => client.endAsync(true));
    return client;
  }

  /**
   * A car through the product's own link, configured as `vehicle` with the certificate files of
   * `name` as the config gives them (another car's, to try an impersonation); stopped by cleanup().
   */
  carLink(vehicle: string, name: string): { link: MqttDispatchLink; commands: string[] } {
    const link = new MqttDispatchLink({
      fleet: "bordeaux",
      vehicle,
      url: this.url,
      tls: this.files(name),
      logger: pino({ level: "silent" }),
      clock: systemClock,
      appVersion: "1.2.3",
      backoff: { initialMs: 200, factor: 2, maxMs: 1000 },
    });
    const commands: string[] = [];
    link.onCommand((_topic, payload) => commands.push(payload.toString()));
    this.onCleanup(() => link.stop());
    return { link, commands };
  }

  onCleanup(cleanup: () => Promise<unknown> | unknown): void {
    this.cleanups.push(cleanup);
  }

  /** Runs (in reverse order) what the last test registered. */
  async cleanup(): Promise<void> {
    for (const cleanup of this.cleanups.splice(0).reverse()) await cleanup();
  }

  async close(): Promise<void> {
    await this.cleanup();
    await this.broker.close();
    rmSync(this.certs, { recursive: true, force: true });
  }
}

/** The shipped mosquitto.conf, minus what the test harness sets itself (listener, persistence, logs). */
export function shippedConfig(certs: string): string[] {
  return readFileSync(join(hardware, "mosquitto.conf"), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .filter((line) => !/^(listener|persistence_location|autosave_interval|log_dest|log_type)\b/.test(line))
    .map((line) => line.replaceAll("/etc/mosquitto/sosm/", `${certs}/`));
}

/** Every message a client receives, as text. */
export function collect(client: MqttClient): Array<{ topic: string; payload: string }> {
  const seen: Array<{ topic: string; payload: string }> = [];
  client.on("message", (topic, payload) => seen.push({ topic, payload: payload.toString() }));
  return seen;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
