/**
 * The PIN that cancels an alarm: `sosm pin hash` output, its check in the config, and the verifier
 * (real scrypt through the technicians' ScryptPinHasher).
 */
import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { pinHash } from "../../../apps/cli/pin-command.ts";
import { alarmsConfigSchema, configSchema } from "../../../src/contracts/config.ts";
import { decodePinHash, encodePinHash, HashedPinVerifier } from "../../../src/services/pin-verifier.ts";
import { ScryptPinHasher } from "../../../src/store/scrypt-pin-hasher.ts";

async function runPinHash(input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const code = await pinHash({ stdin: Readable.from([input]), stdout, stderr });
  return { code, stdout: out, stderr: err };
}

describe("sosm pin hash", () => {
  it("prints a hash that the config accepts and that verifies the PIN, and only it", async () => {
    const { code, stdout } = await runPinHash("2468\n");
    expect(code).toBe(0);
    const hash = stdout.trim();
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    const config = configSchema.parse({
      fleet: "bordeaux",
      vehicle: "BDX-07",
      profile: "bdx-07",
      mqtt: { url: "mqtts://broker.example:8883" },
      alarms: { cancelPinHash: hash },
    });
    expect(config.alarms).toEqual({
      loneWorkerMinutes: 30,
      extendMinutes: 15,
      preAlarmSeconds: 60,
      panicRepeatSeconds: 10,
      cancelPinHash: hash,
    });
    const verifier = new HashedPinVerifier(hash, new ScryptPinHasher());
    expect(await verifier.verify("2468")).toBe(true);
    expect(await verifier.verify("2469")).toBe(false);
    expect(await verifier.verify("")).toBe(false);
    expect(await verifier.verify("2468 ")).toBe(false);
  });

  it("refuses a PIN that is not 4 to 12 digits, in French and English", async () => {
    for (const input of ["12\n", "abcd\n", "1234567890123\n", ""]) {
      const { code, stdout, stderr } = await runPinHash(input);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toMatch(/4 à 12 chiffres.*4 to 12 digits/);
    }
  });

  it("salts: the same PIN twice gives two hashes", async () => {
    const [a, b] = await Promise.all([runPinHash("2468\n"), runPinHash("2468\n")]);
    expect(a.stdout).not.toBe(b.stdout);
  });
});

describe("the cancel PIN hash", () => {
  it("round-trips through its text form", async () => {
    const stored = await new ScryptPinHasher({ N: 1024 }).hash("1357");
    const decoded = decodePinHash(encodePinHash(stored));
    expect(decoded?.params).toEqual(stored.params);
    expect(Buffer.from(decoded?.hash ?? [])).toEqual(Buffer.from(stored.hash));
    expect(Buffer.from(decoded?.salt ?? [])).toEqual(Buffer.from(stored.salt));
  });

  it("is checked at start-up: a mangled hash fails the config and the verifier", () => {
    const mangled = ["scrypt$16384$8$1$short$key", "bcrypt$2b$10$abc", "1234"];
    for (const hash of mangled) {
      expect(alarmsConfigSchema.safeParse({ cancelPinHash: hash }).success).toBe(false);
      expect(() => new HashedPinVerifier(hash, new ScryptPinHasher())).toThrow(/sosm pin hash/);
    }
  });

  it("refuses rather than throws when a hand-edited hash has unacceptable parameters", async () => {
    const stored = await new ScryptPinHasher({ N: 1024 }).hash("1357");
    const absurd = encodePinHash({ ...stored, params: { ...stored.params, N: 3 } });
    expect(await new HashedPinVerifier(absurd, new ScryptPinHasher()).verify("1357")).toBe(false);
  });
});
