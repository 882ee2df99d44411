/**
 * `sosm checks` end to end, as a technician runs it: `npx tsx apps/cli/main.ts checks ...` in a
 * child process, the PIN piped on stdin, the core's SQLite file in a temp folder.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { carMessageSchema } from "../../src/contracts/messages.ts";

const root = resolve(import.meta.dirname, "../..");
let dir: string;
let config: string;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function sosm(args: string[], stdin = ""): Promise<Outcome> {
  return new Promise((done, fail) => {
    const child = spawn("npx", ["tsx", "apps/cli/main.ts", ...args], {
      cwd: root,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, TZ: "Europe/Paris" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += String(chunk);
    });
    child.stderr.on("data", (chunk) => {
      stderr += String(chunk);
    });
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const results = [
  { checkId: "ecg-selftest", result: "pass" },
  { checkId: "ecg-pads", result: "fail", notes: "=1+1 jeu pédiatrique manquant, commandé" },
  { checkId: "o2-pressure", result: "pass" },
  { checkId: "bavu-present", result: "pass" },
  { checkId: "drug-kit-seal", result: "pass" },
];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "sosm-checks-cli-"));
  config = join(dir, "core.json");
  writeFileSync(
    config,
    JSON.stringify({
      fleet: "bordeaux",
      vehicle: "BDX-07",
      profile: "bdx-07",
      dataDir: join(dir, "data"),
      mqtt: { url: "mqtt://127.0.0.1:1883" },
    }),
  );
  writeFileSync(join(dir, "shift.json"), JSON.stringify(results));
  writeFileSync(join(dir, "partial.json"), JSON.stringify({ results: results.slice(0, 3) }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("sosm checks", () => {
  it("enrols, refuses a wrong PIN, signs, lists and exports", { timeout: 120_000 }, async () => {
    const technician = ["--config", config, "--technician", "t-042"];
    const enrol = await sosm(["checks", "enrol", ...technician, "--name", "Marc Dubois"], "482913\n");
    expect(enrol.stdout).toBe("Technicien Marc Dubois (t-042) inscrit\n");
    expect(enrol.code).toBe(0);

    const sign = ["checks", "sign", ...technician, "--schedule", "shiftStart", "--results"];
    const partial = await sosm([...sign, join(dir, "partial.json")], "482913\n");
    expect(partial.code).toBe(1);
    expect(partial.stderr).toContain(
      "sosm: Contrôle refusé : points non renseignés : bavu-present (BAVU complet dans son support), " +
        "drug-kit-seal (Scellé de la trousse intact)",
    );

    const wrong = await sosm([...sign, join(dir, "shift.json")], "111111\n");
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("sosm: PIN incorrect (4 essais restants)");

    const good = await sosm([...sign, join(dir, "shift.json")], "482913\n");
    expect(good.stderr).not.toContain("sosm:");
    expect(good.code).toBe(0);
    expect(good.stdout).toContain("signé par Marc Dubois : 5 point(s), 1 non conforme(s)");

    const list = await sosm(["checks", "list", "--config", config, "--lang", "en"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/ecg-pads +Adult and paediatric pads present +ecg +last: fail on 20\d\d-/);
    expect(list.stdout).toMatch(/bavu-function .* never done/);

    const out = join(dir, "checks.csv");
    // Days in the car's zone, far enough apart that crossing midnight during the test changes nothing.
    const day = (offset: number) =>
      new Date(Date.now() + offset * 86_400_000).toLocaleDateString("sv-SE", { timeZone: "Europe/Paris" });
    const export_ = ["checks", "export", "--config", config, "--out", out];
    const before = await sosm([...export_, "--to", day(-2)]);
    expect(before.stdout).toContain("0 contrôle(s), 0 ligne(s) exportée(s)");
    const exported = await sosm([...export_, "--from", day(-1), "--to", day(1)]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(`1 contrôle(s), 5 ligne(s) exportée(s) vers ${out}`);
    const csv = readFileSync(out);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.toString("utf8").slice(1).split("\r\n");
    expect(lines[0]).toBe(
      "date (UTC),véhicule,échéance,id contrôle,équipement,libellé,résultat,technicien,remarques",
    );
    expect(lines).toHaveLength(7);
    expect(lines[2]).toMatch(
      /^20\d\d-\d\d-\d\dT[\d:.]+Z,BDX-07,prise de poste,ecg-pads,ecg,Électrodes adultes et pédiatriques présentes,non conforme,Marc Dubois \(t-042\),"'=1\+1 jeu pédiatrique manquant, commandé"$/,
    );

    // The five `check` events wait in the core's outbox, for the core to send.
    const db = new Database(join(dir, "data", "core.sqlite"), { readonly: true });
    try {
      const payloads = db.prepare("SELECT payload FROM outbox ORDER BY seq").pluck().all() as string[];
      expect(payloads.map((p) => carMessageSchema.parse(JSON.parse(p)).type)).toEqual(Array(5).fill("check"));
      // The PIN is nowhere in the database in clear.
      const row = db.prepare("SELECT * FROM technicians").get() as Record<string, unknown>;
      for (const value of Object.values(row)) expect(String(value)).not.toContain("482913");
    } finally {
      db.close();
    }
  });

  it("reports bad usage with exit code 2", { timeout: 60_000 }, async () => {
    const missing = await sosm(["checks", "sign", "--config", config, "--schedule", "shiftStart"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("sosm: checks sign needs --technician ID");
    const schedule = await sosm([
      "checks",
      "sign",
      "--config",
      config,
      "--technician",
      "t-1",
      "--schedule",
      "daily",
    ]);
    expect(schedule.code).toBe(2);
    expect(schedule.stderr).toContain("checks sign needs --schedule shiftStart|weekly|monthly");
  });
});
