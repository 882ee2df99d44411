/**
 * The deb packaging (electron-builder.yml, hardware/deb scripts) without electron-builder, which is
 * not installed here: a structural check of the YAML (no YAML parser is among the dependencies),
 * every referenced file present, the scripts valid for bash and for electron-builder's macro
 * expansion, the scripts run twice in a temporary root with stub system commands, and the bundled
 * shell started under plain Node with a stand-in "electron".
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../../..");
const yml = readFileSync(join(root, "electron-builder.yml"), "utf8");

/** The value of `key:` at exactly `indent` spaces, or null. */
function scalar(key: string, indent = 0): string | null {
  const match = new RegExp(`^ {${indent}}${key}: *(.+)$`, "m").exec(yml);
  return match?.[1]?.trim() ?? null;
}

/** The `- item` lines right below `key:` (at `indent`). */
function list(key: string, indent = 0): string[] {
  const lines = yml.split("\n");
  const start = lines.indexOf(`${" ".repeat(indent)}${key}:`);
  if (start < 0) return [];
  const items: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const item = /^\s+- (.+)$/.exec(line);
    if (!item) break;
    items.push((item[1] as string).replace(/^"|"$/g, ""));
  }
  return items;
}

const macros = { executable: "sosm-kiosk", sanitizedProductName: scalar("productName") ?? "" };
const scripts = { install: scalar("afterInstall", 2) ?? "", remove: scalar("afterRemove", 2) ?? "" };

describe("electron-builder.yml", () => {
  it("builds a deb for x64 and arm64 from the compiled shell only", () => {
    expect(yml).not.toMatch(/\t/);
    expect(scalar("appId")).toMatch(/^[a-z0-9.-]+$/);
    expect(macros.sanitizedProductName).toBe("Terminal SOSM");
    expect(scalar("app", 2)).toBe("apps/kiosk/main");
    expect(list("files")).toEqual(["package.json", "dist/main.cjs", "dist/preload.cjs"]);
    expect(scalar("npmRebuild")).toBe("false");
    expect(scalar("executableName", 2)).toBe(macros.executable);
    expect(yml).toMatch(/target:\n {4}- target: deb\n {6}arch:\n {8}- x64\n {8}- arm64\n/);
  });

  it("references files that exist, and the app's package.json names the bundled main", () => {
    for (const script of Object.values(scripts)) expect(existsSync(join(root, script)), script).toBe(true);
    const froms = [...yml.matchAll(/- from: (\S+)/g)].map((m) => m[1] as string);
    expect(froms).toEqual(["hardware/systemd", "hardware/udev"]);
    for (const unit of ["sosm-core.service", "sosm-kiosk.service"]) {
      expect(existsSync(join(root, "hardware/systemd", unit)), unit).toBe(true);
    }
    expect(existsSync(join(root, "hardware/udev/99-sosm.rules"))).toBe(true);
    const appPackage = JSON.parse(readFileSync(join(root, "apps/kiosk/main/package.json"), "utf8"));
    const rootPackage = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    expect(appPackage.main).toBe("dist/main.cjs");
    expect(appPackage.version).toBe(rootPackage.version);
    // No dependencies: electron-builder would otherwise pack (and try to rebuild) node_modules.
    expect(appPackage.dependencies).toBeUndefined();
    expect(rootPackage.scripts["kiosk:build"]).toBe("node apps/kiosk/main/build.mjs");
  });

  it("has install scripts that bash accepts and that use only the macros electron-builder defines", () => {
    for (const script of Object.values(scripts)) {
      const text = readFileSync(join(root, script), "utf8");
      execFileSync("bash", ["-n", join(root, script)]);
      const used = [...text.matchAll(/\$\{([a-zA-Z]+)\}/g)].map((m) => m[1]);
      for (const name of used) expect(Object.keys(macros), `${script} uses \${${name}}`).toContain(name);
    }
  });
});

describe("the deb scripts, run in a temporary root", () => {
  let dir: string;
  let target: string;
  let stubLog: string;
  const appDir = () => join(target, "opt", macros.sanitizedProductName);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "sosm-deb-"));
    target = join(dir, "root");
    stubLog = join(dir, "calls.log");
    const stubs = join(dir, "stubs");
    mkdirSync(stubs);
    const logCall = `#!/bin/sh\necho "$(basename "$0") $*" >> "${stubLog}"\n`;
    for (const name of [
      "systemctl",
      "udevadm",
      "usermod",
      "apparmor_parser",
      "update-desktop-database",
      "update-alternatives",
    ]) {
      writeFileSync(join(stubs, name), logCall, { mode: 0o755 });
    }
    // The user exists once useradd has run: idempotence depends on that check.
    writeFileSync(join(stubs, "useradd"), `${logCall}touch "${dir}/user-created"\n`, { mode: 0o755 });
    writeFileSync(join(stubs, "getent"), `#!/bin/sh\ntest -f "${dir}/user-created"\n`, { mode: 0o755 });
    // What electron-builder puts under /opt/<product>/resources (extraResources).
    for (const sub of ["systemd", "udev"]) {
      cpSync(join(root, "hardware", sub), join(appDir(), "resources/hardware", sub), { recursive: true });
    }
    writeFileSync(join(appDir(), "chrome-sandbox"), "");
    mkdirSync(join(target, "usr/bin"), { recursive: true });
    writeFileSync(join(target, "usr/bin/cage"), "#!/bin/sh\n", { mode: 0o755 });
    mkdirSync(join(target, "run/systemd/system"), { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(script: string, ...args: string[]): string {
    const text = readFileSync(join(root, script), "utf8").replace(
      /\$\{([a-zA-Z]+)\}/g,
      (_m, name: keyof typeof macros) => macros[name],
    );
    const rendered = join(dir, "script.sh");
    writeFileSync(rendered, text);
    chmodSync(rendered, 0o755);
    writeFileSync(stubLog, "");
    const result = spawnSync("bash", [rendered, ...args], {
      encoding: "utf8",
      env: { PATH: `${join(dir, "stubs")}:/usr/sbin:/usr/bin:/sbin:/bin`, SOSM_INSTALL_ROOT: target },
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    return readFileSync(stubLog, "utf8");
  }

  function tree(): string[] {
    const out: string[] = [];
    const walk = (path: string) => {
      for (const entry of readdirSync(path, { withFileTypes: true })) {
        const full = join(path, entry.name);
        if (entry.isDirectory()) walk(full);
        else
          out.push(
            `${relative(target, full)} ${entry.isSymbolicLink() ? "link" : readFileSync(full, "utf8").length}`,
          );
      }
    };
    walk(target);
    return out.sort();
  }

  it("installs the units, the rules and the binary link, and a second run changes nothing", () => {
    const calls = run(scripts.install, "configure");
    expect(calls).toContain("useradd --system --user-group --home-dir /var/lib/sosm");
    expect(calls).toContain("systemctl daemon-reload");
    expect(calls).toContain("systemctl enable sosm-core.service");
    expect(calls).toContain("systemctl enable sosm-kiosk.service");
    // The core is not installed in this root: it must not be started, and never restarted.
    expect(calls).not.toMatch(/systemctl (start|restart) sosm-core/);
    for (const file of [
      "etc/systemd/system/sosm-core.service",
      "etc/systemd/system/sosm-kiosk.service",
      "etc/udev/rules.d/99-sosm.rules",
    ]) {
      expect(readFileSync(join(target, file), "utf8")).toBe(
        readFileSync(
          join(
            root,
            "hardware",
            file.includes("udev") ? "udev/99-sosm.rules" : `systemd/${file.split("/").at(-1)}`,
          ),
          "utf8",
        ),
      );
    }
    const first = tree();
    expect(first).toContain("usr/bin/sosm-kiosk link");

    const again = run(scripts.install, "configure");
    expect(again).not.toContain("useradd");
    expect(tree()).toEqual(first);
  });

  it("does nothing on upgrade, removes the screen on remove, and the rest on purge", () => {
    run(scripts.install, "configure");
    run(scripts.remove, "upgrade");
    expect(existsSync(join(target, "etc/systemd/system/sosm-kiosk.service"))).toBe(true);

    const removed = run(scripts.remove, "remove");
    expect(removed).toContain("systemctl disable sosm-kiosk.service");
    expect(existsSync(join(target, "etc/systemd/system/sosm-kiosk.service"))).toBe(false);
    expect(existsSync(join(target, "usr/bin/sosm-kiosk"))).toBe(false);
    // The core keeps reporting without a screen.
    expect(existsSync(join(target, "etc/systemd/system/sosm-core.service"))).toBe(true);
    expect(existsSync(join(target, "etc/udev/rules.d/99-sosm.rules"))).toBe(true);
    run(scripts.remove, "remove");

    run(scripts.remove, "purge");
    expect(existsSync(join(target, "etc/systemd/system/sosm-core.service"))).toBe(false);
    expect(existsSync(join(target, "etc/udev/rules.d/99-sosm.rules"))).toBe(false);
  });
});

describe("the bundled shell", () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), "sosm-kiosk-build-"));
    execFileSync(process.execPath, [join(root, "apps/kiosk/main/build.mjs"), `--outdir=${out}`], {
      stdio: "pipe",
    });
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("bundles no native module and leaves only electron outside", () => {
    const main = readFileSync(join(out, "main.cjs"), "utf8");
    const required = new Set([...main.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
    for (const name of required)
      expect(name === "electron" || name?.startsWith("node:") || !name?.includes("/")).toBe(true);
    expect([...required].filter((name) => /sqlite|serialport|pino/.test(name ?? ""))).toEqual([]);
    expect(readFileSync(join(out, "preload.cjs"), "utf8")).not.toMatch(/require\(/);
  });

  it("starts under a stand-in electron and shows the starting screen first", () => {
    // A CommonJS hook that answers require("electron") with just enough to reach the first page.
    const hook = join(out, "fake-electron.cjs");
    writeFileSync(
      hook,
      `const Module = require("node:module");
const { EventEmitter } = require("node:events");
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request !== "electron") return load.call(this, request, ...rest);
  const session = { setPermissionRequestHandler() {}, setPermissionCheckHandler() {}, setDevicePermissionHandler() {} };
  class WebContents extends EventEmitter {
    constructor() { super(); this.session = session; }
    setWindowOpenHandler() {}
    async setVisualZoomLevelLimits() {}
    getURL() { return ""; }
    async loadURL(url) { process.stdout.write(JSON.stringify({ url }) + "\\n"); process.exit(0); }
  }
  class BrowserWindow extends EventEmitter {
    constructor(options) { super(); this.webContents = new WebContents(); process.stdout.write(JSON.stringify({ options }) + "\\n"); }
  }
  const app = Object.assign(new EventEmitter(), {
    isPackaged: true, requestSingleInstanceLock: () => true, whenReady: async () => {},
    getAppPath: () => "/opt/app", quit() {}, disableHardwareAcceleration() {},
  });
  return { app, BrowserWindow, Menu: { setApplicationMenu() {} }, session: { defaultSession: session } };
};
`,
    );
    const result = spawnSync(
      process.execPath,
      ["--require", hook, join(out, "main.cjs"), `--sosm-data-dir=${out}`],
      {
        encoding: "utf8",
        timeout: 20_000,
      },
    );
    expect(result.status).toBe(0);
    const [windowLine, pageLine] = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(windowLine.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      preload: "/opt/app/dist/preload.cjs",
    });
    expect(pageLine.url).toMatch(/^data:text\/html;charset=utf-8;base64,/);
  });
});
