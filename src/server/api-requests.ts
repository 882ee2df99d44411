/**
 * Reading an API request and the answers to one that is refused before it reaches the core: a
 * body too large or not JSON, a command the UI API schema does not accept.
 */
import type { IncomingMessage } from "node:http";
import type { ZodError } from "zod";
import { describeIssues, type UiError, type UiOutcome } from "../contracts/ui-api.ts";

/** PROTOCOL.md's limit on a payload holds for the UI too. */
export const maxBodyBytes = 64 * 1024;

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function invalid(reason: string): UiOutcome {
  return {
    ok: false,
    error: {
      code: "invalid_request",
      text: { fr: `Requête refusée : ${reason}`, en: `Request refused: ${reason}` },
    },
  };
}

export function invalidCommand(error: ZodError): { ok: false; error: UiError } {
  const { fields, text } = describeIssues(error);
  return { ok: false, error: { code: "invalid_command", text, fields } };
}

/**
 * The client closed the connection before its body was complete (a reloaded renderer, a killed
 * script): nobody is left to answer, and it is not the core's failure (found by the UI API fuzzer,
 * issue 9, which logged it as "kiosk request failed" with a 500).
 */
export class RequestAborted extends Error {
  override name = "RequestAborted";
}

export async function readBody(request: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > maxBodyBytes) return null;
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (request.destroyed) throw new RequestAborted(`request body aborted after ${size} bytes`);
    throw error;
  }
  return Buffer.concat(chunks).toString("utf8");
}
