/**
 * Reads one line that must not be seen: a PIN. From a pipe (`echo 1234 | sosm checks ...`, tests)
 * it is the first line of stdin. From a terminal, echo is turned off (raw mode) and each digit shows
 * as `*`, so that someone behind the technician does not read the PIN on the screen.
 */
import type { Readable } from "node:stream";

export interface SecretInput {
  stdin: Readable;
  stderr: NodeJS.WritableStream;
}

/** The stdin of a terminal: `setRawMode` exists only there. */
type TtyInput = Readable & { isTTY: true; setRawMode(mode: boolean): unknown };

function isTty(input: Readable): input is TtyInput {
  return "isTTY" in input && input.isTTY === true && "setRawMode" in input;
}

/** Reads until the first line end (or the end of input), at most 1 KiB. */
async function firstLine(input: Readable): Promise<string> {
  let text = "";
  for await (const chunk of input) {
    text += typeof chunk === "string" ? chunk : (chunk as Buffer).toString("utf8");
    if (text.includes("\n") || text.length > 1024) break;
  }
  return (text.split(/\r?\n/)[0] ?? "").trim();
}

function hiddenLine(input: TtyInput, stderr: NodeJS.WritableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const done = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off("data", onData);
      stderr.write("\n");
      if (error) reject(error);
      else resolve(text);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString("utf8")) {
        if (char === "\r" || char === "\n") return done();
        if (char === "\u0003") return done(new Error("interrompu / interrupted"));
        if (char === "\u007f" || char === "\b") {
          if (text.length > 0) {
            text = text.slice(0, -1);
            stderr.write("\b \b");
          }
        } else if (text.length < 64) {
          text += char;
          stderr.write("*");
        }
      }
    };
    input.setRawMode(true);
    input.resume();
    input.on("data", onData);
  });
}

export async function readSecretLine(io: SecretInput, prompt: string): Promise<string> {
  if (!isTty(io.stdin)) return firstLine(io.stdin);
  io.stderr.write(prompt);
  return hiddenLine(io.stdin, io.stderr);
}
