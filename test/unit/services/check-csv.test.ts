/** The CSV export of technician checks: RFC 4180, a BOM for Excel, and no formula injection. */
import { describe, expect, it } from "vitest";
import { checkHistoryCsv, csvField } from "../../../src/services/check-csv.ts";
import type { CheckRunRecord } from "../../../src/services/technician-checks.ts";

const run: CheckRunRecord = {
  runId: "0193b7e6-0000-7000-8000-000000000001",
  vehicle: "BDX-07",
  schedule: "shiftStart",
  technicianId: "t-042",
  technicianName: "Marc Dubois",
  signedAt: Date.parse("2026-11-23T07:31:00.000Z"),
  results: [
    {
      checkId: "ecg-pads",
      equipmentId: "ecg",
      label: { fr: "Électrodes présentes", en: "Pads present" },
      result: "fail",
      notes: 'Manque 1 jeu "enfant", commande faite\nà vérifier',
      messageId: "0193b7e6-0000-7000-8000-000000000002",
    },
    {
      checkId: "cabin-clean",
      label: { fr: "Habitacle propre", en: "Cabin clean" },
      result: "pass",
      messageId: "0193b7e6-0000-7000-8000-000000000003",
    },
  ],
};

describe("csvField", () => {
  it("quotes only what RFC 4180 requires, doubling quotes", () => {
    expect(csvField("plain text é")).toBe("plain text é");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("cr\rhere")).toBe('"cr\rhere"');
    expect(csvField("a;b")).toBe("a;b");
    expect(csvField("a;b", ";")).toBe('"a;b"');
    expect(csvField("a,b", ";")).toBe("a,b");
    expect(csvField("")).toBe("");
  });

  it("defuses what a spreadsheet would run as a formula", () => {
    expect(csvField("=1+1")).toBe("'=1+1");
    expect(csvField("+33 6 12")).toBe("'+33 6 12");
    expect(csvField("-5 bar")).toBe("'-5 bar");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField("\tx")).toBe("'\tx");
    expect(csvField("\rx")).toBe('"\'\rx"');
    expect(csvField('=HYPERLINK("http://x","clic")')).toBe('"\'=HYPERLINK(""http://x"",""clic"")"');
    expect(csvField("a=b")).toBe("a=b");
  });
});

describe("checkHistoryCsv", () => {
  it("writes a BOM, a French header and one CRLF row per item", () => {
    expect(checkHistoryCsv([run])).toBe(
      "\uFEFFdate (UTC),véhicule,échéance,id contrôle,équipement,libellé,résultat,technicien,remarques\r\n" +
        '2026-11-23T07:31:00.000Z,BDX-07,prise de poste,ecg-pads,ecg,Électrodes présentes,non conforme,Marc Dubois (t-042),"Manque 1 jeu ""enfant"", commande faite\nà vérifier"\r\n' +
        "2026-11-23T07:31:00.000Z,BDX-07,prise de poste,cabin-clean,,Habitacle propre,conforme,Marc Dubois (t-042),\r\n",
    );
  });

  it("is UTF-8 with its byte order mark", () => {
    const bytes = Buffer.from(checkHistoryCsv([run]), "utf8");
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.includes(Buffer.from("Électrodes", "utf8"))).toBe(true);
  });

  it("can use ; for a French Excel, and English words", () => {
    const csv = checkHistoryCsv([run], { delimiter: ";", lang: "en" });
    const lines = csv.slice(1).split("\r\n");
    expect(lines[0]).toBe("date (UTC);vehicle;schedule;check id;item;label;result;technician;notes");
    expect(lines[2]).toBe(
      "2026-11-23T07:31:00.000Z;BDX-07;shift start;cabin-clean;;Cabin clean;pass;Marc Dubois (t-042);",
    );
  });

  it("writes only the header when there is nothing to export", () => {
    expect(checkHistoryCsv([])).toBe(
      "\uFEFFdate (UTC),véhicule,échéance,id contrôle,équipement,libellé,résultat,technicien,remarques\r\n",
    );
  });

  it("defuses formulas in names and ids too", () => {
    const hostile = {
      ...run,
      technicianName: "=cmd|'/c calc'!A0",
      results: [run.results[1] as CheckRunRecord["results"][number]],
    };
    expect(checkHistoryCsv([hostile]).split("\r\n")[1]).toContain(",'=cmd|'/c calc'!A0 (t-042),");
  });
});
