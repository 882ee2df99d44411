/**
 * What a dispatch subscriber sees, one line per message: a stand-in for the dispatch console until
 * it exists (issue: dispatch console). It acknowledges every event, as dispatch does, so that the
 * car's delivery states reach "received".
 */
import mqtt from "mqtt";
import { newMessageId } from "../../src/contracts/message-id.ts";
import { equipmentLine } from "./equipment-line.ts";

export interface TextConsoleOptions {
  url: string;
  fleet: string;
  protocolVersion: 4 | 5;
  write: (line: string) => void;
}

interface Envelope {
  id: string;
  type: string;
  src: string;
  seq?: number;
  body: Record<string, unknown>;
}

function describe(message: Envelope): string {
  const b = message.body;
  switch (message.type) {
    case "position":
      return `position ${Number(b.lat).toFixed(5)}, ${Number(b.lon).toFixed(5)} ${b.speed === undefined ? "" : `${(Number(b.speed) * 3.6).toFixed(0)} km/h`}`;
    case "track":
      return `track batch of ${(b.points as unknown[]).length} points`;
    case "presence":
      return `presence ${String(b.state)}`;
    case "equipment":
      return equipmentLine(b);
    default:
      return `${message.type} ${JSON.stringify(b).slice(0, 80)}`;
  }
}

export function startTextConsole(options: TextConsoleOptions): { stop: () => Promise<void> } {
  const client = mqtt.connect(options.url, {
    clientId: `sosm-dispatch-console-${process.pid}`,
    protocolVersion: options.protocolVersion,
    reconnectPeriod: 1000,
  });
  // The car re-sends its equipment summary every 10 min and on request: print a line only when it reads differently.
  const lastEquipment = new Map<string, string>();
  client.on("message", (topic, payload) => {
    if (topic.endsWith("/cmd")) return; // dispatch's own commands, acks included
    let message: Envelope;
    try {
      message = JSON.parse(payload.toString("utf8")) as Envelope;
    } catch {
      options.write(`[dispatch] unreadable message on ${topic}`);
      return;
    }
    const time = new Date().toISOString().slice(11, 19);
    if (message.type === "equipment") {
      const line = describe(message);
      if (lastEquipment.get(message.src) === line) return;
      lastEquipment.set(message.src, line);
    }
    options.write(
      `[dispatch ${time}] ${message.src}${message.seq === undefined ? "" : ` #${message.seq}`} ${describe(message)}`,
    );
    if (topic.endsWith("/events")) {
      const ack = {
        v: 1,
        id: newMessageId(Date.now()),
        type: "ack",
        ts: new Date().toISOString(),
        src: "dispatch",
        body: { ref: message.id },
      };
      client.publish(topic.replace(/\/events$/, "/cmd"), JSON.stringify(ack), { qos: 1 });
    }
  });
  client.on("connect", () => client.subscribe(`sosm/v1/${options.fleet}/+/+`, { qos: 1 }));
  return { stop: () => client.endAsync().then(() => undefined) };
}
