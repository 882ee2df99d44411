/** A refusal in the operator's words: the contract's stable code is translated, the server's detail kept. */
import type { Failure } from "./api.ts";
import type { Translate } from "./i18n/i18n.ts";

const errorKeys = {
  unauthorized: "error_unauthorized",
  bad_request: "error_bad_request",
  not_found: "error_not_found",
  conflict: "error_conflict",
  rate_limited: "error_rate_limited",
  unavailable: "error_unavailable",
  network: "error_network",
} as const;

export function failureText(failure: Failure, t: Translate): string {
  const key = errorKeys[failure.code as keyof typeof errorKeys];
  return key === undefined
    ? t("requestFailed", { reason: failure.message })
    : t(key, { message: failure.message });
}
