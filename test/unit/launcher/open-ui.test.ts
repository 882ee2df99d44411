import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  chooseUi,
  chromiumQuietFlags,
  findChromium,
  findElectronBinary,
  stopProcess,
  type UiSituation,
} from "../../../apps/launcher/open-ui.ts";

const target = {
  address: "http://127.0.0.1:7380/#token=per-boot-token-0123456789",
  dataDir: "/work/data/demo",
  kioskAppDir: "/work/apps/kiosk/main",
};
const nothing: UiSituation = {
  electronBinary: null,
  shellBuilt: false,
  chromium: null,
  hasDisplay: true,
  isRoot: false,
  noUi: false,
};

describe("choosing how to open the doctor's screen", () => {
  it("prefers the Electron shell, which reads kiosk.json itself (no token on its command line)", () => {
    const choice = chooseUi(
      { ...nothing, electronBinary: "/e/electron", shellBuilt: true, chromium: "/usr/bin/chromium" },
      target,
    );
    expect(choice).toEqual({
      kind: "electron",
      command: "/e/electron",
      args: ["/work/apps/kiosk/main", "--sosm-data-dir=/work/data/demo"],
    });
  });

  it("falls back to Chromium in app mode with its own profile and no background traffic", () => {
    const situation = {
      ...nothing,
      electronBinary: "/e/electron",
      shellBuilt: false,
      chromium: "/usr/bin/chromium",
    };
    expect(chooseUi(situation, target)).toEqual({
      kind: "chromium",
      command: "/usr/bin/chromium",
      args: [
        `--app=${target.address}`,
        "--user-data-dir=/work/data/demo/chromium-profile",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    expect(chromiumQuietFlags).toEqual(expect.arrayContaining(["--disable-sync", "--no-first-run"]));
  });

  it("turns the browser sandbox off only when running as root", () => {
    const asRoot = chooseUi({ ...nothing, chromium: "/usr/bin/chromium", isRoot: true }, target);
    expect(asRoot.kind === "chromium" && asRoot.args).toContain("--no-sandbox");
    const asUser = chooseUi({ ...nothing, chromium: "/usr/bin/chromium" }, target);
    expect(asUser.kind === "chromium" && asUser.args).not.toContain("--no-sandbox");
    const electronAsRoot = chooseUi(
      { ...nothing, electronBinary: "/e", shellBuilt: true, isRoot: true },
      target,
    );
    expect(electronAsRoot.kind === "electron" && electronAsRoot.args).toContain("--no-sandbox");
  });

  it("only prints the address with --no-ui, without a display, or with no browser", () => {
    const all = { ...nothing, electronBinary: "/e", shellBuilt: true, chromium: "/usr/bin/chromium" };
    expect(chooseUi({ ...all, noUi: true }, target)).toEqual({ kind: "print", why: "--no-ui" });
    expect(chooseUi({ ...all, hasDisplay: false }, target)).toMatchObject({ kind: "print" });
    expect(chooseUi(nothing, target)).toEqual({
      kind: "print",
      why: "neither Electron nor Chromium (/usr/bin/chromium) is installed",
    });
  });
});

describe("finding the browsers", () => {
  const files = (present: Record<string, string>) => ({
    exists: (path: string) => path in present,
    readText: (path: string) => present[path] ?? "",
    resolve: () => "/n/electron/index.js",
  });

  it("finds the Electron binary that path.txt names, only when it is really there", () => {
    expect(findElectronBinary(files({}))).toBeNull();
    expect(findElectronBinary(files({ "/n/electron/path.txt": "electron\n" }))).toBeNull();
    expect(
      findElectronBinary(files({ "/n/electron/path.txt": "electron", "/n/electron/dist/electron": "" })),
    ).toBe("/n/electron/dist/electron");
    expect(
      findElectronBinary({
        ...files({}),
        resolve: () => {
          throw new Error("Cannot find module 'electron'");
        },
      }),
    ).toBeNull();
  });

  it("sees that this machine has the electron package but no binary (download skipped)", () => {
    expect(findElectronBinary()).toBeNull();
  });

  it("finds Debian's chromium", () => {
    expect(findChromium((path) => path === "/usr/bin/chromium")).toBe("/usr/bin/chromium");
    expect(findChromium(() => false)).toBeNull();
  });
});

describe("stopping the opened window on Ctrl-C", () => {
  it("ends the process with SIGTERM, and with SIGKILL when it ignores SIGTERM", async () => {
    const polite = spawn("sleep", ["60"]);
    await stopProcess(polite);
    expect(polite.signalCode).toBe("SIGTERM");

    const stubborn = spawn(
      process.execPath,
      ["-e", 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000); console.log("ready")'],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    await new Promise((resolve) => stubborn.stdout.once("data", resolve));
    await stopProcess(stubborn, 200);
    expect(stubborn.signalCode).toBe("SIGKILL");
  });
});
