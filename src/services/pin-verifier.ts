/**
 * The PIN that cancels an alarm (issue 4, "Alarms"), as the alarm service sees it.
 *
 * It is one PIN for the car, kept only as a scrypt hash in the config (`alarms.cancelPinHash`),
 * written by `sosm pin hash` as `scrypt$N$r$p$salt$key` (base64url; the key length is the key's).
 * The parameters travel with the hash so that they can be raised without re-issuing every car's
 * config. The hashing itself is the technicians' `PinHasher` port (scrypt with timingSafeEqual, in
 * src/store/scrypt-pin-hasher.ts): one implementation of scrypt in the project.
 */
import { pinHashPattern } from "../contracts/config.ts";
import type { PinHasher, StoredPin } from "./technician-checks.ts";

export interface PinVerifier {
  /** False when no PIN hash is configured: cancelling then needs no PIN (see alarm-service.ts). */
  readonly configured: boolean;
  /** Resolves false (never throws) for a wrong or malformed PIN. */
  verify(pin: string): Promise<boolean>;
}

/** For a car without a configured PIN. */
export const noPinConfigured: PinVerifier = {
  configured: false,
  verify: async () => true,
};

/** What a PIN is on the car's PIN pad. */
export const cancelPinPattern = /^\d{4,12}$/;

export function encodePinHash(stored: StoredPin): string {
  const { N, r, p } = stored.params;
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");
  return `scrypt$${N}$${r}$${p}$${b64(stored.salt)}$${b64(stored.hash)}`;
}

/** Null for anything that is not a well-formed `sosm pin hash` output. */
export function decodePinHash(text: string): StoredPin | null {
  const match = pinHashPattern.exec(text);
  if (match === null) return null;
  const [, n, r, p, salt = "", key = ""] = match;
  const hash = Buffer.from(key, "base64url");
  return {
    algorithm: "scrypt",
    hash,
    salt: Buffer.from(salt, "base64url"),
    params: { N: Number(n), r: Number(r), p: Number(p), keyLength: hash.length },
  };
}

export class HashedPinVerifier implements PinVerifier {
  readonly configured = true;
  private readonly stored: StoredPin;

  /** Throws on a malformed hash: better at start-up than when the doctor types the PIN. */
  constructor(
    hash: string,
    private readonly hasher: PinHasher,
  ) {
    const stored = decodePinHash(hash);
    if (stored === null) throw new RangeError("alarms.cancelPinHash is not a valid `sosm pin hash` output");
    this.stored = stored;
  }

  async verify(pin: string): Promise<boolean> {
    // The same work for a malformed PIN as for a wrong one: timing does not tell them apart.
    const wellFormed = cancelPinPattern.test(pin);
    try {
      const match = await this.hasher.verify(wellFormed ? pin : "", this.stored);
      return match && wellFormed;
    } catch {
      // Unacceptable parameters in a hand-edited hash: refuse rather than throw at the doctor.
      return false;
    }
  }
}
