/**
 * Raw HTTP over a fresh TCP connection, for the fuzz and security suites: any bytes can be sent
 * (no client library fixes them up), and no keep-alive agent reuses a socket behind the test's back.
 */
import { connect } from "node:net";

export interface RawAnswer {
  status: number;
  /** Header names in lower case; the last value wins. */
  headers: Record<string, string>;
}

/**
 * Sends raw bytes and collects the answer: until `quietMs` pass without more data once something
 * came, or the server closes. When nothing comes within `firstMs` (an incomplete request), the
 * client half-closes, as a client giving up would, and waits `firstMs` more. Half-closing at once
 * would not do: Node's HTTP server aborts every pending request of a client that sent its FIN.
 */
export function exchange(
  port: number,
  bytes: Uint8Array,
  { quietMs = 15, firstMs = 1000 } = {},
): Promise<{ data: Buffer; closed: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, "127.0.0.1");
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    const done = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ data: Buffer.concat(chunks), closed });
    };
    const arm = (ms: number, then: () => void) => {
      clearTimeout(timer);
      timer = setTimeout(then, ms);
    };
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      arm(quietMs, () => done(false));
    });
    socket.on("error", () => done(true));
    socket.on("close", () => done(true));
    socket.on("connect", () => {
      socket.write(bytes);
      arm(firstMs, () => {
        socket.end();
        arm(firstMs, () => done(false));
      });
    });
  });
}

/** Every response head in what came back (several when requests were pipelined). */
export function parseResponses(data: Buffer): RawAnswer[] {
  const answers: RawAnswer[] = [];
  for (const match of data
    .toString("latin1")
    .matchAll(/HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n((?:[^\r\n]+\r\n)*)\r\n/g)) {
    const headers: Record<string, string> = {};
    for (const line of (match[2] ?? "").split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    answers.push({ status: Number(match[1]), headers });
  }
  return answers;
}

/** One request as bytes, with a Content-Length when it has a body. */
export function httpRequest(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Buffer {
  const lines = [
    `${method} ${path} HTTP/1.1`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  if (body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return Buffer.from(`${lines.join("\r\n")}\r\n\r\n${body ?? ""}`);
}
