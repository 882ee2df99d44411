#!/usr/bin/env node
// Plain-Node pre-step for `npm start` and `npm test` (it runs before node_modules exists, so it
// may import nothing but Node's own modules). It installs only what is missing and says what it does.
//   - node_modules absent (or older than package-lock.json): `npm ci`, with the Electron binary
//     download skipped: it cannot be fetched offline, and the core never needs it (DESIGN.md §1).
//   - `--for-tests`: the Debian tools the test suites drive for real (mosquitto, socat, chromium,
//     rabbitmq-server for the Hub Santé export, faketime for the accelerated soak and the chaos
//     suite's clock jumps).
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const forTests = process.argv.includes("--for-tests");

function say(message) {
  process.stderr.write(`[ensure-deps] ${message}\n`);
}

function run(command, args, env = {}) {
  say(`$ ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  if (result.status !== 0) {
    say(`'${command} ${args.join(" ")}' failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

function npmDependenciesAreStale() {
  const marker = join(root, "node_modules", ".package-lock.json");
  if (!existsSync(marker)) return true;
  const lock = join(root, "package-lock.json");
  return existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000;
}

if (npmDependenciesAreStale()) {
  say("npm dependencies are missing or older than package-lock.json: installing them with `npm ci`.");
  say(
    "better-sqlite3 compiles from source on a machine without a prebuilt binary: this takes about 2 minutes.",
  );
  run("npm", ["ci", "--no-audit", "--no-fund"], { ELECTRON_SKIP_BINARY_DOWNLOAD: "1" });
}

if (forTests) {
  /** Debian package → the command that proves it is installed. */
  const tools = {
    mosquitto: "/usr/sbin/mosquitto",
    socat: "/usr/bin/socat",
    chromium: "/usr/bin/chromium",
    "rabbitmq-server": "/usr/lib/rabbitmq/bin/rabbitmq-server",
    faketime: "/usr/bin/faketime",
  };
  const missing = Object.entries(tools)
    .filter(([, path]) => !existsSync(path))
    .map(([pkg]) => pkg);
  if (missing.length > 0) {
    const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
    if (!isRoot) {
      say(`The tests need these Debian packages: ${missing.join(", ")}. Install them as root:`);
      say(`  apt-get update && apt-get install -y --no-install-recommends ${missing.join(" ")}`);
      process.exit(1);
    }
    say(`The tests drive real ${missing.join(", ")}: installing from Debian.`);
    run("apt-get", ["update", "-q"]);
    run("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...missing], {
      DEBIAN_FRONTEND: "noninteractive",
    });
  }
}

// The kiosk UI the core serves: built when missing or older than its sources (apps/kiosk/renderer).
run(process.execPath, ["--import", "tsx", join(root, "apps/kiosk/renderer/build-ui.ts")]);
