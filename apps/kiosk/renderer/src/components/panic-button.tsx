/**
 * The panic button (issue 6; DESIGN.md §3 "Lone-worker safety"): on every screen, held for one
 * second with a visible fill, then sent at once — no dialog, no confirmation, no wait for anything.
 * Holding (not tapping) is what keeps a glove or a bag from raising it by accident. The fill is a
 * CSS transition, so a busy main thread cannot make it look stuck; the timer decides.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { useLang } from "../i18n/i18n.ts";
import { useKiosk } from "../kiosk-context.ts";

export const holdMs = 1000;

export function PanicButton() {
  const { send } = useKiosk();
  const { t } = useLang();
  const [holding, setHolding] = useState(false);
  const [sentAt, setSentAt] = useState<number | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const release = () => {
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
    setHolding(false);
  };
  const hold = () => {
    if (timer.current !== null) return;
    setHolding(true);
    timer.current = setTimeout(() => {
      timer.current = null;
      setHolding(false);
      setSentAt(Date.now());
      void send({ type: "alarm.panic" });
    }, holdMs);
  };
  useEffect(() => release, []);
  useEffect(() => {
    if (sentAt === null) return;
    const clear = setTimeout(() => setSentAt(null), 3000);
    return () => clearTimeout(clear);
  }, [sentAt]);

  return (
    <button
      type="button"
      class={`panic${holding ? " holding" : ""}${sentAt !== null ? " sent" : ""}`}
      aria-label={t("panicLabel")}
      data-testid="panic"
      onPointerDown={(event) => {
        event.currentTarget.setPointerCapture?.(event.pointerId);
        hold();
      }}
      onPointerUp={release}
      onPointerCancel={release}
      onLostPointerCapture={release}
      onKeyDown={(event) => {
        if ((event.key === " " || event.key === "Enter") && !event.repeat) hold();
      }}
      onKeyUp={release}
      onContextMenu={(event) => event.preventDefault()}
    >
      <span class="panic-fill" aria-hidden="true" />
      <span class="panic-text">{t("panic")}</span>
      <span class="panic-hint">{t("panicHint")}</span>
    </button>
  );
}
