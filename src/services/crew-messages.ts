/**
 * Two-way text messages between the doctor and dispatch (issue 4, PROTOCOL.md A `message`), with
 * unread counts. Dispatch's messages arrive through the command inbox (exactly once, by envelope id,
 * which is also their id here); the doctor's go through the outbox and show queued → sent → received.
 */
import { messageBody } from "../contracts/car-events.ts";
import { type MissionError, missionError } from "../domain/missions/mission-errors.ts";
import type { CommandContext, CommandOf } from "./command-inbox.ts";
import type { CrewMessageRecord, CrewMessageStore } from "./mission-ports.ts";
import type { DeliveryLog, DeliveryState, Outbox, UnitOfWork } from "./outbox.ts";
import type { Clock, Logger } from "./ports.ts";

export interface CrewMessagesContext {
  messages: CrewMessageStore;
  outbox: Outbox;
  unitOfWork: UnitOfWork;
  deliveries: DeliveryLog;
  clock: Clock;
  logger: Logger;
}

export interface CrewMessageView extends CrewMessageRecord {
  /** For the doctor's messages: queued → sent → received by dispatch. null for dispatch's. */
  delivery: DeliveryState | null;
}

export type SendResult = { ok: true; message: CrewMessageView } | { ok: false; error: MissionError };

export class CrewMessages {
  private readonly listeners = new Set<(message: CrewMessageView) => void>();

  constructor(private readonly ctx: CrewMessagesContext) {}

  /** Inbox handler of dispatch's `message` (inside the inbox's transaction). */
  onMessage(command: CommandOf<"message">, context: CommandContext): void {
    const record: CrewMessageRecord = {
      id: command.id,
      direction: "in",
      text: command.body.text,
      replyTo: command.body.replyTo ?? null,
      at: context.receivedAt,
      readAt: null,
    };
    this.ctx.messages.insert(record);
    this.notifyLater(record.id);
  }

  send(text: string, replyTo?: string): SendResult {
    const body = { text: text.trim(), ...(replyTo === undefined ? {} : { replyTo }) };
    if (!messageBody.safeParse(body).success)
      return {
        ok: false,
        error: missionError("invalid_input", {
          fr: "Message vide ou trop long (4000 caractères au plus)",
          en: "Message empty or too long (at most 4000 characters)",
        }),
      };
    const at = Math.round(this.ctx.clock.now());
    const record = this.ctx.unitOfWork.transaction(() => {
      const message = this.ctx.outbox.enqueue("message", body, at);
      const stored: CrewMessageRecord = {
        id: message.id,
        direction: "out",
        text: body.text,
        replyTo: replyTo ?? null,
        at,
        readAt: at,
      };
      this.ctx.messages.insert(stored);
      return stored;
    });
    this.notifyLater(record.id);
    return { ok: true, message: this.view(record) };
  }

  /** Newest first. */
  list(limit = 50): CrewMessageView[] {
    return this.ctx.messages.list(limit).map((record) => this.view(record));
  }

  unreadCount(): number {
    return this.ctx.messages.unreadCount();
  }

  markRead(id: string): boolean {
    return this.ctx.messages.markRead(id, Math.round(this.ctx.clock.now()));
  }

  markAllRead(): number {
    return this.ctx.messages.markAllRead(Math.round(this.ctx.clock.now()));
  }

  onChange(listener: (message: CrewMessageView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private view(record: CrewMessageRecord): CrewMessageView {
    const delivery =
      record.direction === "out" ? (this.ctx.deliveries.stateOf(record.id)?.state ?? null) : null;
    return { ...record, delivery };
  }

  /** After the surrounding transaction, with what was committed. */
  private notifyLater(id: string): void {
    if (this.listeners.size === 0) return;
    queueMicrotask(() => {
      const record = this.ctx.messages.get(id);
      if (record === null) return;
      for (const listener of this.listeners) {
        try {
          listener(this.view(record));
        } catch (error) {
          this.ctx.logger.error({ err: error }, "message listener failed");
        }
      }
    });
  }
}
