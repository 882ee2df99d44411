/**
 * The handoff file of the doctor's screen: once the kiosk API listens, `{dataDir}/kiosk.json` (mode
 * 0600) says `{ url, token, pid }`; the Electron shell and the launcher open `<url>#token=<token>`.
 * It is written atomically (temp file + rename), so a reader never sees half of it.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../services/ports.ts";

export const kioskHandoffFile = "kiosk.json";

const handoffRetryMs = 5000;

export interface KioskHandoffContext {
  dataDir: string;
  token: string;
  logger: Logger;
  /** Whether the server still listens at `address`: a retry after it stopped or moved writes nothing. */
  stillServing(address: HandoffAddress): boolean;
}

export interface HandoffAddress {
  readonly url: string;
}

export class KioskHandoff {
  constructor(private readonly ctx: KioskHandoffContext) {}

  private path(): string {
    return join(this.ctx.dataDir, kioskHandoffFile);
  }

  write(address: HandoffAddress): void {
    const path = this.path();
    const temporary = `${path}.${process.pid}.tmp`;
    const body = { url: address.url, token: this.ctx.token, pid: process.pid };
    try {
      writeFileSync(temporary, `${JSON.stringify(body)}\n`, { mode: 0o600 });
      renameSync(temporary, path);
    } catch (error) {
      try {
        rmSync(temporary, { force: true });
      } catch {
        // Nothing more to clean: the retry writes it again.
      }
      // A full data disk (found by test/reliability/chaos): without a retry the screen would not find
      // this core until its next restart, long after space came back.
      this.ctx.logger.error(
        { err: error, path },
        `could not write kiosk.json: the screen cannot find the core; retrying in ${handoffRetryMs / 1000} s`,
      );
      const retry = setTimeout(() => {
        if (this.ctx.stillServing(address)) this.write(address);
      }, handoffRetryMs);
      retry.unref();
    }
  }

  /** Removes kiosk.json if it is still ours (a newer core may have written its own). */
  remove(): void {
    const path = this.path();
    try {
      const current = JSON.parse(readFileSync(path, "utf8")) as { token?: unknown };
      if (current.token === this.ctx.token) rmSync(path, { force: true });
    } catch {
      // Missing or unreadable: nothing of ours to remove.
    }
  }
}
