/**
 * `sosm pin hash`: reads a PIN (4 to 12 digits) from stdin and prints its scrypt hash, to put in the
 * config as `alarms.cancelPinHash`. Stdin rather than an argument: a PIN on the command line ends up
 * in the shell history and in `ps`. Only the first line is read, so `echo 1234 | sosm pin hash` and
 * typing it followed by Enter both work.
 */
import type { Readable } from "node:stream";
import { cancelPinPattern, encodePinHash } from "../../src/services/pin-verifier.ts";
import { ScryptPinHasher } from "../../src/store/scrypt-pin-hasher.ts";

export interface PinHashOptions {
  stdin: Readable;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Reads until the first line end (or the end of input), at most about 1 KiB. */
async function firstLine(input: Readable): Promise<string> {
  let text = "";
  for await (const chunk of input) {
    text += typeof chunk === "string" ? chunk : (chunk as Buffer).toString("utf8");
    if (text.includes("\n") || text.length > 1024) break;
  }
  return (text.split(/\r?\n/)[0] ?? "").trim();
}

export async function pinHash(options: PinHashOptions): Promise<number> {
  if ("isTTY" in options.stdin && options.stdin.isTTY)
    options.stderr.write("Code (4 à 12 chiffres) / PIN (4 to 12 digits): ");
  const pin = await firstLine(options.stdin);
  if (!cancelPinPattern.test(pin)) {
    options.stderr.write("sosm: le code doit faire 4 à 12 chiffres / the PIN must be 4 to 12 digits\n");
    return 2;
  }
  options.stdout.write(`${encodePinHash(await new ScryptPinHasher().hash(pin))}\n`);
  return 0;
}
