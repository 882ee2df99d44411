/**
 * `status` carries the signed-in doctor (issue 10, "presence and status carry the signed-in doctor's
 * RPPS"). The status board builds its bodies without knowing about shifts, so its outbox is wrapped:
 * every `status` enqueued through it gets `doctor: { rpps, name }` of the shift open at that moment,
 * read inside the same transaction (a sign-out that republishes the status in its transaction sends
 * it without a doctor). Other message types pass through untouched.
 */
import type { Outbox } from "./outbox.ts";

export interface DoctorOnShift {
  rpps: string;
  name: string;
}

export function doctorStampingOutbox(outbox: Outbox, currentDoctor: () => DoctorOnShift | null): Outbox {
  return {
    enqueue(type, body, now) {
      if (type !== "status" || typeof body !== "object" || body === null)
        return outbox.enqueue(type, body, now);
      const doctor = currentDoctor();
      const { doctor: _ignored, ...rest } = body as Record<string, unknown>;
      return outbox.enqueue(type, doctor === null ? rest : { ...rest, doctor }, now);
    },
    pending: (limit, afterSeq) => outbox.pending(limit, afterSeq),
    pendingCount: () => outbox.pendingCount(),
    markPublished: (id, at) => outbox.markPublished(id, at),
  };
}
