import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultProfilesDir } from "../../../src/app/config-loader.ts";
import {
  loadVehicleProfile,
  ProfileError,
  parseVehicleProfile,
  resolveSerialPorts,
} from "../../../src/app/profile-loader.ts";
import { type EquipmentItemOf, vehicleProfileSchema } from "../../../src/contracts/vehicle-profile.ts";

const examplePath = join(defaultProfilesDir, "bdx-07.json");
const example = JSON.parse(readFileSync(examplePath, "utf8")) as Record<string, unknown> & {
  equipment: Array<Record<string, unknown>>;
};

/** A deep copy of the example with one change, so each test breaks exactly one thing. */
function broken(change: (profile: typeof example) => void): unknown {
  const copy = structuredClone(example);
  change(copy);
  return copy;
}

function problemsOf(value: unknown): readonly string[] {
  try {
    parseVehicleProfile(value, "test.json");
  } catch (error) {
    if (error instanceof ProfileError) return error.problems;
    throw error;
  }
  throw new Error("expected a ProfileError");
}

const indexOf = (id: string) => example.equipment.findIndex((item) => item.id === id);

describe("vehicle profile bdx-07", () => {
  it("validates, with every equipment kind of PROTOCOL.md", () => {
    const profile = loadVehicleProfile(examplePath);
    expect(profile.id).toBe("bdx-07");
    expect(new Set(profile.equipment.map((item) => item.kind))).toEqual(
      new Set(["ecg", "bavu", "oxygen", "infusion_kit", "drug_kit", "drug_storage", "vehicle_power"]),
    );
  });

  it("carries one B5 oxygen cylinder at 200 bar with a 20 bar reserve", () => {
    const profile = vehicleProfileSchema.parse(example);
    const oxygen = profile.equipment.filter(
      (item): item is EquipmentItemOf<"oxygen"> => item.kind === "oxygen",
    );
    expect(oxygen).toHaveLength(1);
    expect(oxygen[0]?.cylinder).toEqual({
      designation: "B5",
      waterVolumeL: 5,
      nominalBar: 200,
      reserveBar: 20,
    });
  });

  it("keeps drugs between 2 and 25 °C and dates both kits", () => {
    const profile = vehicleProfileSchema.parse(example);
    const storage = profile.equipment.find((item) => item.kind === "drug_storage");
    expect(storage).toMatchObject({ minC: 2, maxC: 25 });
    for (const kind of ["infusion_kit", "drug_kit"] as const)
      expect(profile.equipment.find((item) => item.kind === kind)).toHaveProperty(
        "expiresOn",
        expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      );
  });

  it("uses the profile's devices unless the config overrides them", () => {
    const profile = vehicleProfileSchema.parse(example);
    expect(resolveSerialPorts({ gnss: {}, equipment: {} }, profile)).toEqual({
      gnss: { port: "/dev/sosm-gnss", baudRate: 9600 },
      equipment: { port: "/dev/sosm-equipment", baudRate: 9600 },
    });
    expect(
      resolveSerialPorts({ gnss: { port: "/dev/pts/3", baudRate: 4800 }, equipment: {} }, profile).gnss,
    ).toEqual({
      port: "/dev/pts/3",
      baudRate: 4800,
    });
  });
});

describe("a broken vehicle profile", () => {
  it("names the field of a reserve above the cylinder's pressure", () => {
    const i = indexOf("o2-b5");
    const problems = problemsOf(
      broken((p) => {
        (p.equipment[i]?.cylinder as { reserveBar: number }).reserveBar = 250;
      }),
    );
    expect(problems).toEqual([`equipment[${i}].cylinder.reserveBar: must be below cylinder.nominalBar`]);
  });

  it("names the field and the allowed kinds for a misspelt kind", () => {
    const problems = problemsOf(
      broken((p) => {
        (p.equipment[0] as { kind: string }).kind = "defibrilator";
      }),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^equipment\[0\]\.kind: expected one of "oxygen", "ecg", .*, got "defibrilator"$/,
    );
  });

  it("names a missing field, a misspelt field and a bad date", () => {
    const ecg = indexOf("ecg");
    const kit = indexOf("drug-kit");
    const problems = problemsOf(
      broken((p) => {
        delete p.equipment[ecg]?.model;
        (p.equipment[ecg] as Record<string, unknown>).batery = {};
        (p.equipment[kit] as { expiresOn: string }).expiresOn = "31/01/2027";
      }),
    );
    expect([...problems].sort()).toEqual(
      [
        `equipment[${ecg}].model: required`,
        `equipment[${ecg}].batery: unknown field`,
        `equipment[${kit}].expiresOn: expected a date YYYY-MM-DD, got "31/01/2027"`,
      ].sort(),
    );
  });

  it("refuses two items of one record on the same slot", () => {
    const problems = problemsOf(
      broken((p) => {
        p.equipment.push({ ...p.equipment[indexOf("o2-b5")], id: "o2-spare" });
      }),
    );
    expect(problems).toEqual([
      `equipment[${example.equipment.length}].slot: O2 slot 1 is already used by "o2-b5"`,
    ]);
  });

  it("refuses a check about equipment the car does not carry", () => {
    const problems = problemsOf(
      broken((p) => {
        const checks = p.checks as { weekly: { items: Array<{ equipmentId?: string }> } };
        (checks.weekly.items[0] as { equipmentId?: string }).equipmentId = "suction";
      }),
    );
    expect(problems).toEqual(['checks.weekly.items[0].equipmentId: no equipment item has id "suction"']);
  });

  it("refuses a kit whose content expires before the kit's date", () => {
    const kit = indexOf("infusion-kit");
    const problems = problemsOf(
      broken((p) => {
        const contents = p.equipment[kit]?.contents as Array<{ expiresOn?: string }>;
        (contents[0] as { expiresOn?: string }).expiresOn = "2026-12-31";
      }),
    );
    expect(problems[0]).toMatch(
      new RegExp(`^equipment\\[${kit}\\]\\.contents\\[0\\]\\.expiresOn: expires before`),
    );
  });

  it("names the file when it is not JSON", () => {
    expect(() => loadVehicleProfile("/x/car.json", { readFile: () => "{ id: " })).toThrow(
      /Invalid vehicle profile \(\/x\/car\.json\):\n {2}- not valid JSON/,
    );
  });
});
