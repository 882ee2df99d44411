/** queued → sent → received by dispatch (DESIGN.md §3, "End-to-end acknowledgement"). */
import type { UiDelivery } from "../../../../../src/contracts/ui-api.ts";
import { useLang } from "../i18n/i18n.ts";

const marks = { queued: "…", sent: "✓", received: "✓✓" } as const;

export function DeliveryBadge({ delivery, testId }: { delivery: UiDelivery; testId?: string }) {
  const { t } = useLang();
  if (delivery === null) return null;
  const text =
    delivery === "queued"
      ? t("deliveryQueued")
      : delivery === "sent"
        ? t("deliverySent")
        : t("deliveryReceived");
  return (
    <span class={`delivery delivery-${delivery}`} data-delivery={delivery} data-testid={testId}>
      <span aria-hidden="true">{marks[delivery]}</span> {text}
    </span>
  );
}

export function ErrorNote({ error }: { error: { text: { fr: string; en: string } } | null }) {
  const { pick, t, lang } = useLang();
  if (error === null) return null;
  return (
    <p class="error-note" role="alert">
      <strong>
        {t("refused")}
        {lang === "fr" ? " : " : ": "}
      </strong>
      {pick(error.text)}
    </p>
  );
}
