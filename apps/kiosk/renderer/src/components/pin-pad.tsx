/** A big numeric keypad: a PIN typed with gloves, without the on-screen keyboard covering half the screen. */
import { useLang } from "../i18n/i18n.ts";

interface PinPadProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  maxLength?: number;
  /** Bigger keys, for the screens a doctor meets first (sign-in, lock). */
  big?: boolean;
}

export function PinPad({ label, value, onChange, maxLength = 12, big = false }: PinPadProps) {
  const { t } = useLang();
  const digits = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"];
  return (
    <fieldset class={big ? "pin-pad pin-pad-big" : "pin-pad"}>
      <legend class="pin-display">
        {label} : <span data-testid="pin-dots">{"•".repeat(value.length) || "—"}</span>
      </legend>
      <div class="pin-keys">
        {digits.map((digit) => (
          <button
            type="button"
            key={digit}
            class="pin-key"
            data-testid={`pin-${digit}`}
            onClick={() => value.length < maxLength && onChange(value + digit)}
          >
            {digit}
          </button>
        ))}
        <button type="button" class="pin-key" onClick={() => onChange("")}>
          {t("erase")}
        </button>
      </div>
    </fieldset>
  );
}
