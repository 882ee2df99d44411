/**
 * The real dispatch service for the console's end-to-end test: its own SQLite file in a temp dir,
 * MQTT 5 to the suite's mosquitto, the HTTP API on a free loopback port serving the built console
 * (apps/dispatch/web/dist), and the operators the test logs in with.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DispatchService } from "../../apps/dispatch/dispatch-service.ts";
import { webDistDir } from "../../apps/dispatch/web/build-web.ts";
import { createLogger } from "../../src/app/logger.ts";

/** An operator's desk: a 24-inch screen, browser not full screen. */
export const deskViewport = { width: 1600, height: 900 };

export interface DispatchWebRigOptions {
  brokerUrl: string;
  fleet?: string;
  operators: ReadonlyArray<{ username: string; password: string; displayName: string }>;
}

export class DispatchWebRig {
  private constructor(
    readonly service: DispatchService,
    private readonly dataDir: string,
  ) {}

  static async start(options: DispatchWebRigOptions): Promise<DispatchWebRig> {
    const dataDir = mkdtempSync(join(tmpdir(), "sosm-dispatch-web-"));
    try {
      const service = await DispatchService.start({
        fleet: options.fleet ?? "bordeaux",
        mqttUrl: options.brokerUrl,
        protocolVersion: 5,
        dataDir,
        http: { host: "127.0.0.1", port: 0 },
        webDir: webDistDir,
        operators: options.operators,
        logger: createLogger({ name: "dispatch-web-rig", level: "silent" }),
      });
      return new DispatchWebRig(service, dataDir);
    } catch (error) {
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  get url(): string {
    return this.service.url;
  }

  async close(): Promise<void> {
    try {
      await this.service.stop();
    } finally {
      rmSync(this.dataDir, { recursive: true, force: true });
    }
  }
}
