/** Messages with one car: the conversation, oldest first, and a line to write the next one. */
import { useEffect, useRef, useState } from "preact/hooks";
import type { MessageRow } from "../api.ts";
import { dateTime, parseTime } from "../format.ts";
import { useLang } from "../i18n/i18n.ts";

export interface MessagesPanelProps {
  vehicle: string;
  messages: readonly MessageRow[];
  onSend: (text: string) => Promise<string | null>;
}

export function MessagesPanel({ vehicle, messages, onSend }: MessagesPanelProps) {
  const { t, lang } = useLang();
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    list.current?.lastElementChild?.scrollIntoView({ block: "nearest" });
  }, [messages.length]);
  return (
    <section class="panel" data-testid="messages-panel">
      <h2>{t("messagesWith", { vehicle })}</h2>
      {messages.length === 0 ? (
        <p class="empty">{t("messagesNone")}</p>
      ) : (
        <ol class="message-list" ref={list} data-testid="message-list">
          {messages.map((message) => {
            const at = parseTime(message.at);
            return (
              <li key={message.id} class={message.direction === "out" ? "outgoing" : "incoming"}>
                <span class="when">
                  {at !== null && dateTime(at, lang)} ·{" "}
                  {message.direction === "out" ? t("messageFromUs") : vehicle}
                </span>
                <span>{message.text}</span>
              </li>
            );
          })}
        </ol>
      )}
      <form
        class="form"
        onSubmit={(event) => {
          event.preventDefault();
          const value = text.trim();
          if (value === "") return;
          setBusy(true);
          setError(null);
          void onSend(value).then((problem) => {
            setBusy(false);
            setError(problem);
            if (problem === null) setText("");
          });
        }}
      >
        <label>
          {t("messageNew")}
          <textarea
            value={text}
            onInput={(event) => setText(event.currentTarget.value)}
            data-testid="message-input"
          />
        </label>
        <div class="action-row">
          <button
            type="submit"
            class="primary"
            disabled={busy || text.trim() === ""}
            data-testid="message-send"
          >
            {t("messageSend")}
          </button>
        </div>
        {error !== null && <p class="error-note">{error}</p>}
      </form>
    </section>
  );
}
