/**
 * The car's `presence` envelopes (PROTOCOL.md A): the birth `online` and the last will `offline`.
 * They bypass the outbox, so they carry no `seq`. Each one gets a new id, because receivers
 * de-duplicate on it and a car goes online and offline many times.
 *
 * The will is built when the connection is made and published by the broker later, when the
 * connection dies; its `ts` and `since` are therefore the time it was armed. The broker cannot stamp
 * it, so dispatch should take the time it received an `offline` will as the moment the car vanished.
 * Only `online` carries the doctor on shift (issue 10): a will armed at connect time would name
 * whoever was signed in then.
 */
import { newMessageId } from "../contracts/message-id.ts";
import { presenceMessage } from "../contracts/messages.ts";

export interface PresenceSource {
  vehicle: string;
  appVersion: string;
}

/** The doctor on shift (issue 10), carried by `online` presences. */
export interface PresenceDoctor {
  rpps: string;
  name: string;
}

/** The JSON of a presence envelope at wall-clock time `now`; throws if it breaks the contract. */
export function presenceEnvelope(
  source: PresenceSource,
  state: "online" | "offline",
  now: number,
  doctor: PresenceDoctor | null = null,
): string {
  const ms = Math.floor(now);
  const ts = new Date(ms).toISOString();
  const message = presenceMessage.parse({
    v: 1,
    id: newMessageId(ms),
    type: "presence",
    ts,
    src: source.vehicle,
    body: { state, since: ts, app: source.appVersion, ...(doctor === null ? {} : { doctor }) },
  });
  return JSON.stringify(message);
}
