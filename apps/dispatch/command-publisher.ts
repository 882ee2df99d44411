/**
 * Publishes dispatch's command outbox (src/store/dispatch-command-repository.ts): each row at QoS 1,
 * deleted on its PUBACK; what fails or was in flight at a disconnect is sent again later. The car
 * de-duplicates on the envelope id, so a command sent twice (two instances on one database, or a
 * PUBACK lost in a crash) has one effect.
 */

import type { Logger } from "../../src/services/ports.ts";
import type { OutboxRow } from "../../src/store/dispatch-command-repository.ts";

export interface CommandPublisherOptions {
  pending(limit: number): OutboxRow[];
  remove(seq: number): void;
  publish(topic: string, payload: string): Promise<void>;
  logger: Logger;
  /** Safety poll and retry delay (default 2 s). */
  pollMs?: number;
}

export class CommandPublisher {
  private readonly inFlight = new Set<number>();
  private scheduled = false;
  private readonly poll: ReturnType<typeof setInterval>;
  published = 0;

  constructor(private readonly options: CommandPublisherOptions) {
    this.poll = setInterval(() => this.kick(), options.pollMs ?? 2000);
  }

  /** After an enqueue: publish once the enqueuing transaction has committed (a microtask later). */
  kick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.run();
    });
  }

  stop(): void {
    clearInterval(this.poll);
  }

  private run(): void {
    for (const row of this.options.pending(200)) {
      if (this.inFlight.has(row.seq)) continue;
      this.inFlight.add(row.seq);
      this.options.publish(row.topic, row.payload).then(
        () => {
          this.inFlight.delete(row.seq);
          this.options.remove(row.seq);
          this.published++;
        },
        (err: unknown) => {
          this.inFlight.delete(row.seq);
          this.options.logger.debug({ err, id: row.id }, "command not published yet; retrying");
        },
      );
    }
  }
}
