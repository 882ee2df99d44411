import type { Outbox } from "../services/outbox.ts";

/**
 * The outbox, kicking the publisher after each enqueue so that a message goes out at once instead of
 * at the next poll. The kick defers to after the commit (outbox-publisher.ts), so calling it from
 * inside the enqueue's transaction is safe. Without a kick, the outbox itself.
 */
export function kickingOutbox(outbox: Outbox, kick: (() => void) | undefined): Outbox {
  if (kick === undefined) return outbox;
  return {
    enqueue(type, body, now) {
      const message = outbox.enqueue(type, body, now);
      kick();
      return message;
    },
    pending: (limit, afterSeq) => outbox.pending(limit, afterSeq),
    pendingCount: () => outbox.pendingCount(),
    markPublished: (id, at) => outbox.markPublished(id, at),
  };
}
