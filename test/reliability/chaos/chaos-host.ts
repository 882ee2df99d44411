/**
 * What the chaos suite needs from the host, and says so when it cannot have it: a tmpfs of its own
 * for the core's data folder (so that it can be filled; we are root in CI), and libfaketime (Debian
 * `libfaketime`) to move the core's wall clock.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

export interface Capability {
  ok: boolean;
  reason?: string;
}

export function findFaketime(): Capability & { library?: string } {
  const arch = process.arch === "arm64" ? "aarch64" : process.arch === "x64" ? "x86_64" : process.arch;
  const library = `/usr/lib/${arch}-linux-gnu/faketime/libfaketime.so.1`;
  if (!existsSync(library))
    return {
      ok: false,
      reason: `${library} is missing (Debian package libfaketime; apt-get install faketime)`,
    };
  return { ok: true, library };
}

export function mountTmpfs(path: string, size: string): Capability {
  mkdirSync(path, { recursive: true });
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0700`, "tmpfs", path], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    return { ok: true };
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return { ok: false, reason: `mount -t tmpfs refused: ${stderr || (error as Error).message}` };
  }
}

export function unmount(path: string): void {
  try {
    execFileSync("umount", ["-l", path], { stdio: "ignore" });
  } catch {
    // Already unmounted.
  }
}

const filler = (dir: string) => join(dir, "chaos-filler.bin");

/** Fills the file system of `dir` up to the last byte; returns the bytes left free (0 or a few). */
export function fillDisk(dir: string): number {
  // dd stops with ENOSPC once the file system is full: that is the point, not an error.
  for (const [suffix, block] of [
    ["", "64k"],
    [".tail", "512"],
  ])
    try {
      execFileSync("dd", ["if=/dev/zero", `of=${filler(dir)}${suffix}`, `bs=${block}`], { stdio: "ignore" });
    } catch {
      // Expected: "No space left on device".
    }
  return freeBytes(dir);
}

export function freeDisk(dir: string): void {
  rmSync(filler(dir), { force: true });
  rmSync(`${filler(dir)}.tail`, { force: true });
}

export function freeBytes(dir: string): number {
  const line = execFileSync("df", ["-B1", "--output=avail", dir]).toString().trim().split("\n")[1];
  return Number(line ?? Number.NaN);
}
