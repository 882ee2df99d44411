/**
 * The `PinHasher` port with node:crypto's scrypt (RFC 7914): a random 16-byte salt per PIN, the
 * parameters stored with the hash, and a constant-time comparison (timingSafeEqual).
 *
 * Default cost N=2^15, r=8, p=1 (32 MiB; about 125 ms per PIN on a 2-core dev machine). The hash
 * is computed asynchronously, on libuv's thread pool, so the core keeps reading its serial lines.
 * It sits with the stores because it is the at-rest form of a credential, kept in SQLite columns
 * (the alarm PIN of src/io/scrypt-pin.ts is a one-line string for a config file instead).
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import type { PinHasher, ScryptParams, StoredPin } from "../services/technician-checks.ts";

export const defaultScryptParams: Readonly<ScryptParams> = { N: 2 ** 15, r: 8, p: 1, keyLength: 32 };
const saltBytes = 16;

/**
 * Bounds on parameters read back from the database: a tampered row must not make one PIN attempt
 * allocate gigabytes or spin for minutes.
 */
function checkParams(params: ScryptParams): void {
  const { N, r, p, keyLength } = params;
  const powerOfTwo = Number.isInteger(N) && N >= 2 && N <= 2 ** 20 && (N & (N - 1)) === 0;
  if (!powerOfTwo || !(r >= 1 && r <= 32) || !(p >= 1 && p <= 16) || !(keyLength >= 16 && keyLength <= 64))
    throw new RangeError(`unacceptable scrypt parameters ${JSON.stringify(params)}`);
}

function derive(pin: string, salt: Uint8Array, params: ScryptParams): Promise<Buffer> {
  checkParams(params);
  const { N, r, p, keyLength } = params;
  return new Promise((resolve, reject) => {
    // scrypt needs 128·N·r·p bytes; Node's default cap (32 MiB) is exactly the default cost's need.
    scrypt(pin, salt, keyLength, { N, r, p, maxmem: 256 * N * r * p }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export class ScryptPinHasher implements PinHasher {
  private readonly params: ScryptParams;

  constructor(params: Partial<ScryptParams> = {}) {
    this.params = { ...defaultScryptParams, ...params };
    checkParams(this.params);
  }

  async hash(pin: string): Promise<StoredPin> {
    const salt = randomBytes(saltBytes);
    const hash = await derive(pin, salt, this.params);
    return { algorithm: "scrypt", hash, salt, params: { ...this.params } };
  }

  async verify(pin: string, stored: StoredPin): Promise<boolean> {
    if (stored.algorithm !== "scrypt") return false;
    const key = await derive(pin, stored.salt, stored.params);
    // timingSafeEqual throws on different lengths; a stored hash of the wrong length never matches.
    return key.length === stored.hash.length && timingSafeEqual(key, stored.hash);
  }

  needsRehash(stored: StoredPin): boolean {
    const { N, r, p, keyLength } = stored.params;
    return (
      stored.algorithm !== "scrypt" ||
      N < this.params.N ||
      r < this.params.r ||
      p < this.params.p ||
      keyLength < this.params.keyLength ||
      stored.salt.length < saltBytes
    );
  }
}
