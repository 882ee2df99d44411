/**
 * The part of mqtt.js's MqttClient that the dispatch link uses: stating it lets unit tests inject a
 * small EventEmitter fake instead of a broker, as mqtt.js's own tests swap transports (DESIGN.md §5).
 */
import mqtt, {
  type IClientOptions,
  type IConnackPacket,
  type IPublishPacket,
  type ISubscriptionGrant,
  type Packet,
} from "mqtt";

export interface MqttClientLike {
  connected: boolean;
  /** mqtt.js reads `reconnectPeriod` and `will` from here at each close and each CONNECT. */
  options: IClientOptions;
  /** Packets awaiting their acknowledgement, by packet id. */
  outgoing: Record<number, { cmd: string }>;
  /** The TCP (or TLS) socket of the current connection; absent in unit-test fakes. */
  stream?: unknown;
  connect(): unknown;
  on(event: "message", listener: (topic: string, payload: Buffer) => void): unknown;
  on(event: "connect", listener: (connack: IConnackPacket) => void): unknown;
  on(event: "close" | "reconnect", listener: () => void): unknown;
  on(event: "error", listener: (err: Error) => void): unknown;
  publish(
    topic: string,
    payload: string,
    options: { qos: 0 | 1; retain: boolean },
    callback: (err?: Error) => void,
  ): unknown;
  subscribe(
    topics: Record<string, { qos: 0 | 1 }>,
    callback: (err: Error | null, granted?: ISubscriptionGrant[], packet?: Packet) => void,
  ): unknown;
  /**
   * mqtt.js calls it after each `message` event and sends a QoS 1 PUBACK only when it calls back
   * without an error; replaced by the link to withhold the PUBACK of a command it could not store.
   */
  handleMessage?: (packet: IPublishPacket, callback: (error?: Error) => void) => void;
  /** Drops a stored outgoing packet (its callback gets an error), so that it is never resent. */
  removeOutgoingMessage(messageId: number): unknown;
  end(force: boolean, callback: () => void): unknown;
}

export type MqttConnect = (url: string, options: IClientOptions) => MqttClientLike;

export const mqttJsConnect: MqttConnect = (url, options) => mqtt.connect(url, options);

/**
 * The SUBACK code of each requested topic (MQTT 5 §3.9.3: 0-2 the granted QoS, 0x80 and above a
 * refusal), or undefined when none came. On a refusal mqtt.js calls back with an error and leaves
 * `granted` at the *requested* QoS, so the packet's own codes come first.
 */
export function subackCodes(
  count: number,
  granted: ISubscriptionGrant[] | undefined,
  packet: Packet | undefined,
): Array<number | undefined> {
  const codes: unknown = packet && "granted" in packet ? packet.granted : undefined;
  return Array.from({ length: count }, (_, i) => {
    const raw: unknown = Array.isArray(codes) ? codes[i] : undefined;
    return typeof raw === "number" ? raw : granted?.[i]?.qos;
  });
}
