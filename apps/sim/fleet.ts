/**
 * A simulated fleet: N cars driving loops through Bordeaux (each its own rotation of the route and
 * its own seed, so they spread over the city), at 1 Hz, in one process (apps/sim/fleet-car.ts: the
 * wire behaviour of a car without a full core each; one car with its full core is what `npm start`
 * runs, apps/launcher/main.ts).
 *
 *   tsx apps/sim/fleet.ts --cars 200 [--url mqtt://127.0.0.1:1883] [--fleet bordeaux] [--protocol 5]
 *                         [--event-every 30] [--duration 60] [--prefix SIM] [--report FILE]
 *
 * Positions are spread over the second (20 slots of 50 ms) rather than sent in one burst, as real
 * cars' clocks are not aligned. `--report FILE` writes the sent QoS 1 ids and the acks received, for
 * the benchmark's zero-loss check.
 */
import { writeFileSync } from "node:fs";
import { bordeauxLoop, type Waypoint } from "./drive/bordeaux-route.ts";
import { FleetCar } from "./fleet-car.ts";

export interface SimulatedFleetOptions {
  url: string;
  fleet: string;
  cars: number;
  protocolVersion: 4 | 5;
  /** Seconds between two durable events of one car (default 30). */
  eventEverySeconds?: number;
  /** Vehicle ids are `{prefix}-0001`... (default SIM). */
  prefix?: string;
  /** New connections per 100 ms while starting (default 250): a broker accepts a few thousand a second. */
  connectRate?: number;
}

export interface FleetStats {
  cars: number;
  connected: number;
  positions: number;
  eventsSent: number;
  eventsFailed: number;
  acksReceived: number;
}

const slots = 20;

function rotated(route: readonly Waypoint[], by: number): Waypoint[] {
  // The last waypoint closes the loop (it repeats the first): rotate the open loop, then close it.
  const open = route.slice(0, -1);
  const start = by % open.length;
  const loop = [...open.slice(start), ...open.slice(0, start)];
  return [...loop, loop[0] as Waypoint];
}

export class SimulatedFleet {
  readonly cars: FleetCar[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private slot = 0;
  private ticks = 0;
  positions = 0;

  private constructor(private readonly options: SimulatedFleetOptions) {}

  static async start(options: SimulatedFleetOptions): Promise<SimulatedFleet> {
    const fleet = new SimulatedFleet(options);
    const rate = options.connectRate ?? 250;
    for (let i = 0; i < options.cars; i++) {
      fleet.cars.push(
        new FleetCar({
          url: options.url,
          fleet: options.fleet,
          vehicle: `${options.prefix ?? "SIM"}-${String(i + 1).padStart(4, "0")}`,
          protocolVersion: options.protocolVersion,
          route: rotated(bordeauxLoop, i),
          seed: 1000 + i,
        }),
      );
      if ((i + 1) % rate === 0) await new Promise((r) => setTimeout(r, 100));
    }
    fleet.timer = setInterval(() => fleet.tickSlot(), 1000 / slots);
    return fleet;
  }

  /** Resolves once every car is connected. */
  async connected(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.cars.some((car) => !car.connected)) {
      if (Date.now() > deadline)
        throw new Error(`${this.cars.filter((c) => !c.connected).length} cars not connected`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  stats(): FleetStats {
    let eventsSent = 0;
    let eventsFailed = 0;
    let acksReceived = 0;
    for (const car of this.cars) {
      eventsSent += car.sent.length;
      eventsFailed += car.failed;
      acksReceived += car.acked.size;
    }
    return {
      cars: this.cars.length,
      connected: this.cars.filter((c) => c.connected).length,
      positions: this.positions,
      eventsSent,
      eventsFailed,
      acksReceived,
    };
  }

  sentIds(): string[] {
    return this.cars.flatMap((car) => car.sent);
  }

  /** Stops producing; keeps the connections, so that PUBACKs and acks still come in. */
  pause(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async stop(): Promise<void> {
    this.pause();
    await Promise.all(this.cars.map((car) => car.stop()));
  }

  private tickSlot(): void {
    const slot = this.slot++ % slots;
    if (slot === 0) this.ticks++;
    const every = this.options.eventEverySeconds ?? 30;
    for (let i = slot; i < this.cars.length; i += slots) {
      const car = this.cars[i] as FleetCar;
      if (car.tick()) this.positions++;
      // Each car's events are offset by its index, so that they do not all fall in the same second.
      if ((this.ticks + i) % every === 0) car.event();
    }
  }
}

function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

async function main(): Promise<void> {
  const fleet = await SimulatedFleet.start({
    url: arg("url", process.env.SOSM_MQTT_URL ?? "mqtt://127.0.0.1:1883"),
    fleet: arg("fleet", "bordeaux"),
    cars: Number(arg("cars", "50")),
    protocolVersion: arg("protocol", "5") === "4" ? 4 : 5,
    eventEverySeconds: Number(arg("event-every", "30")),
    prefix: arg("prefix", "SIM"),
  });
  await fleet.connected();
  process.stdout.write(`${JSON.stringify({ ready: true, cars: fleet.cars.length })}\n`);
  const report = arg("report", "");
  const finish = async () => {
    fleet.pause();
    // Let the last PUBACKs and acks arrive before counting.
    await new Promise((r) => setTimeout(r, Number(arg("drain", "5")) * 1000));
    const stats = fleet.stats();
    if (report) writeFileSync(report, JSON.stringify({ ...stats, sentIds: fleet.sentIds() }));
    process.stdout.write(`${JSON.stringify({ done: true, ...stats })}\n`);
    await fleet.stop();
    process.exit(0);
  };
  const duration = Number(arg("duration", "0"));
  if (duration > 0) setTimeout(() => void finish(), duration * 1000);
  process.on("SIGINT", () => void finish());
  process.on("SIGTERM", () => void finish());
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  main().catch((error: unknown) => {
    process.stderr.write(`fleet: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
