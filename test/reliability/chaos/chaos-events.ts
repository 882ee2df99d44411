/**
 * The end-of-shift invariants on events, missions, statuses, alarms and messages: what the car
 * committed to its outbox (its `deliveries` log: every message ever enqueued, with its seq) against
 * what dispatch stored (`received`, keyed by the envelope id), in both directions.
 */
import type { Database } from "better-sqlite3";

export interface EventCounts {
  /** Per message type: committed by the car, stored by dispatch, and acked back to the car. */
  byType: Record<string, { sent: number; received: number; acked: number }>;
  sent: number;
  received: number;
  /** Events the car committed that dispatch does not hold. */
  missing: string[];
  /** Rows dispatch holds for this car that the car never committed (by id or seq). */
  phantom: string[];
  lastSeq: number;
  /** Seqs missing from the car's own 1..N (a seq handed out twice or skipped). */
  carSeqHoles: number[];
  dispatchSeqGaps: number;
  outboxLeft: number;
  notAcked: number;
}

interface Delivery {
  id: string;
  seq: number;
  type: string;
  state: string;
}

export function compareEvents(car: Database, dispatch: Database, vehicle: string): EventCounts {
  const deliveries = car
    .prepare("SELECT id, seq, type, state FROM deliveries ORDER BY seq")
    .all() as Delivery[];
  const received = dispatch
    .prepare("SELECT id, type, seq FROM received WHERE vehicle = ? AND seq IS NOT NULL")
    .all(vehicle) as Array<{ id: string; type: string; seq: number }>;
  const receivedById = new Map(received.map((row) => [row.id, row]));
  const byType: EventCounts["byType"] = {};
  const missing: string[] = [];
  const known = new Set<string>();
  for (const delivery of deliveries) {
    const key = delivery.id.toLowerCase();
    known.add(key);
    const counts = byType[delivery.type] ?? { sent: 0, received: 0, acked: 0 };
    byType[delivery.type] = counts;
    counts.sent++;
    const row = receivedById.get(key);
    if (row && row.seq === delivery.seq) counts.received++;
    else missing.push(`${delivery.type} seq ${delivery.seq} (${delivery.id})`);
    if (delivery.state === "received") counts.acked++;
  }
  const phantom = received
    .filter((row) => !known.has(row.id))
    .map((row) => `${row.type} seq ${row.seq} (${row.id})`);
  const carSeqHoles: number[] = [];
  deliveries.forEach((delivery, index) => {
    if (delivery.seq !== index + 1) carSeqHoles.push(index + 1);
  });
  const carRow = dispatch.prepare("SELECT last_seq, missing FROM cars WHERE vehicle = ?").get(vehicle) as
    | { last_seq: number | null; missing: number }
    | undefined;
  const outboxLeft = (car.prepare("SELECT count(*) AS n FROM outbox").get() as { n: number }).n;
  return {
    byType,
    sent: deliveries.length,
    received: deliveries.length - missing.length,
    missing,
    phantom,
    lastSeq: carRow?.last_seq ?? 0,
    carSeqHoles: carSeqHoles.slice(0, 20),
    dispatchSeqGaps: carRow?.missing ?? -1,
    outboxLeft,
    notAcked: deliveries.filter((d) => d.state !== "received").length,
  };
}

export interface StateComparison {
  missions: Array<{ missionId: string; car: string | null; dispatch: string | null }>;
  status: { car: string | null; dispatch: string | null };
  alarms: Array<{ alarmId: string; kind: string; car: string; dispatch: string | null }>;
  /** Regulator's messages: how many times each arrived at the car (must be 1). */
  messagesToCar: Array<{ text: string; atCar: number }>;
  /** Doctor's messages: how many times each is at dispatch (must be 1). */
  messagesFromCar: Array<{ text: string; atDispatch: number }>;
  /** Commands still waiting in dispatch's own outbox (not taken by the broker). */
  dispatchOutboxLeft: number;
  problems: string[];
}

/** Dispatch's mission states for the car's: the report ack closes both. */
export function compareStates(
  car: Database,
  dispatch: Database,
  vehicle: string,
  regulator: { missions: readonly string[]; messages: readonly string[] },
): StateComparison {
  const problems: string[] = [];
  const carMission = car.prepare("SELECT state FROM missions WHERE id = ?");
  const dispatchMission = dispatch.prepare("SELECT state FROM missions WHERE mission_id = ?");
  const missions = regulator.missions.map((missionId) => {
    const atCar = (carMission.get(missionId) as { state: string } | undefined)?.state ?? null;
    const atDispatch = (dispatchMission.get(missionId) as { state: string } | undefined)?.state ?? null;
    if (atCar !== atDispatch) problems.push(`mission ${missionId}: car ${atCar}, dispatch ${atDispatch}`);
    return { missionId, car: atCar, dispatch: atDispatch };
  });
  const carStatus =
    (car.prepare("SELECT key FROM radio_status").get() as { key: string } | undefined)?.key ?? null;
  const statusJson = (
    dispatch.prepare("SELECT status_json FROM cars WHERE vehicle = ?").get(vehicle) as
      | { status_json: string | null }
      | undefined
  )?.status_json;
  const dispatchStatus = statusJson ? ((JSON.parse(statusJson) as { key?: string }).key ?? null) : null;
  if (carStatus !== dispatchStatus) problems.push(`status: car ${carStatus}, dispatch ${dispatchStatus}`);

  const dispatchAlarm = dispatch.prepare("SELECT state FROM alarms WHERE vehicle = ? AND alarm_id = ?");
  const alarms = (
    car.prepare("SELECT alarm_id, kind, phase FROM alarms").all() as Array<{
      alarm_id: string;
      kind: string;
      phase: string;
    }>
  ).map((alarm) => {
    const state =
      (dispatchAlarm.get(vehicle, alarm.alarm_id) as { state: string } | undefined)?.state ?? null;
    if (state !== alarm.phase)
      problems.push(`alarm ${alarm.alarm_id}: car ${alarm.phase}, dispatch ${state}`);
    return { alarmId: alarm.alarm_id, kind: alarm.kind, car: alarm.phase, dispatch: state };
  });

  const carMessages = car.prepare("SELECT direction, text FROM crew_messages").all() as Array<{
    direction: string;
    text: string;
  }>;
  const messagesToCar = regulator.messages.map((text) => ({
    text,
    atCar: carMessages.filter((m) => m.direction === "in" && m.text === text).length,
  }));
  for (const m of messagesToCar)
    if (m.atCar !== 1) problems.push(`message to the car "${m.text}" is there ${m.atCar} times`);
  const dispatchMessages = dispatch
    .prepare("SELECT text FROM messages WHERE vehicle = ? AND direction = 'in'")
    .all(vehicle) as Array<{ text: string }>;
  const messagesFromCar = carMessages
    .filter((m) => m.direction === "out")
    .map((m) => ({ text: m.text, atDispatch: dispatchMessages.filter((d) => d.text === m.text).length }));
  for (const m of messagesFromCar)
    if (m.atDispatch !== 1)
      problems.push(`message from the car "${m.text}" is at dispatch ${m.atDispatch} times`);
  const dispatchOutboxLeft = (dispatch.prepare("SELECT count(*) AS n FROM outbox").get() as { n: number }).n;
  if (dispatchOutboxLeft > 0) problems.push(`${dispatchOutboxLeft} dispatch commands never left its outbox`);
  return {
    missions,
    status: { car: carStatus, dispatch: dispatchStatus },
    alarms,
    messagesToCar,
    messagesFromCar,
    dispatchOutboxLeft,
    problems,
  };
}
