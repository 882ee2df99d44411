/**
 * The embedded MQTT broker of `npm start` (aedes, in-process), so that the demo needs no broker
 * installed. It speaks MQTT 3.1.1 only: cars connect to it with `protocolVersion: 4`. Production
 * uses mosquitto (hardware/mosquitto) with TLS and per-vehicle ACLs.
 */
import { createServer, type Server } from "node:net";
import { Aedes } from "aedes";

export class EmbeddedBroker {
  private constructor(
    private readonly broker: Aedes,
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(port = 0): Promise<EmbeddedBroker> {
    const broker = await Aedes.createBroker();
    // No Nagle delay: small statuses written behind another message would wait ~40 ms.
    const server = createServer({ noDelay: true }, broker.handle);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === "string")
      throw new Error("the embedded broker has no TCP port");
    return new EmbeddedBroker(broker, server, address.port);
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
  }
}
