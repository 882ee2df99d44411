/** Messages with dispatch (issue 6): newest at the bottom, quick replies, and each one's delivery. */
import { useEffect, useState } from "preact/hooks";
import { clockTime } from "../format.ts";
import { useLang } from "../i18n/i18n.ts";
import { useCommand, useKiosk } from "../kiosk-context.ts";
import { DeliveryBadge, ErrorNote } from "./delivery.tsx";

export function MessagesScreen() {
  const { state, send } = useKiosk();
  const { t, lang } = useLang();
  const command = useCommand();
  const [text, setText] = useState("");
  const { unread, items } = state.messages;
  // Opening the tab is reading the messages; new ones that arrive while it is open are read too.
  useEffect(() => {
    if (unread > 0) void send({ type: "messages.read" });
  }, [unread, send]);
  const submit = async (body: string) => {
    if (body.trim() === "") return;
    const outcome = await command.run({ type: "message.send", text: body.trim() });
    if (outcome.ok) setText("");
  };
  return (
    <section class="panel messages" aria-labelledby="messages-title">
      <h2 id="messages-title">{t("messagesTitle")}</h2>
      {items.length === 0 ? (
        <p class="empty">{t("noMessages")}</p>
      ) : (
        <ol class="message-list" data-testid="message-list">
          {[...items].reverse().map((message) => (
            <li
              key={message.id}
              class={`message message-${message.direction}${message.read ? "" : " unread"}`}
            >
              <p class="message-meta">
                {message.direction === "in" ? t("fromDispatch") : t("fromMe")} · {clockTime(message.at, lang)}{" "}
                <DeliveryBadge delivery={message.delivery} />
              </p>
              <p class="message-text">{message.text}</p>
            </li>
          ))}
        </ol>
      )}
      <div class="choice-row">
        {(["quickReceived", "quickOnMyWay", "quickCallMe"] as const).map((key) => (
          <button type="button" key={key} class="choice" onClick={() => void submit(t(key))}>
            {t(key)}
          </button>
        ))}
      </div>
      <div class="compose">
        <label class="visually-hidden" for="message-input">
          {t("messageInput")}
        </label>
        <textarea
          id="message-input"
          class="text-input"
          rows={2}
          maxLength={4000}
          placeholder={t("messageInput")}
          value={text}
          data-testid="message-input"
          onInput={(event) => setText(event.currentTarget.value)}
        />
        <button
          type="button"
          class="action action-primary"
          data-testid="message-send"
          disabled={command.busy || text.trim() === ""}
          onClick={() => void submit(text)}
        >
          {t("send")}
        </button>
      </div>
      <ErrorNote error={command.error} />
    </section>
  );
}
