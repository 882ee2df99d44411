import { describe, expect, it } from "vitest";
import { frameSentence } from "../../../../src/contracts/nmea-framing.ts";
import { checkFrame, maxSentenceLength, splitCandidates } from "../../../../src/io/gnss/nmea-frame.ts";

const rmc = "$GPRMC,193221.00,A,2037.7279,N,08704.0848,W,00.1,201.8,231207,01,W,A*2D";
const reason = (candidate: string) => {
  const verdict = checkFrame(candidate);
  return verdict.ok ? "ok" : verdict.reason;
};

describe("NMEA frame check", () => {
  it("accepts a sound sentence and splits its address", () => {
    const verdict = checkFrame(rmc);
    expect(verdict.ok).toBe(true);
    if (!verdict.ok) return;
    expect(verdict.frame).toMatchObject({ talker: "GP", type: "RMC", proprietary: false, sentence: rmc });
    expect(verdict.frame.fields[0]).toBe("GPRMC");
    expect(verdict.frame.fields).toHaveLength(13);
  });

  it("refuses `x*00` and `$*00`, which nmea-simple's checksum lets through", () => {
    expect(reason("x*00")).toBe("no_start");
    expect(reason("$*00")).toBe("bad_address");
  });

  it("refuses a wrong checksum, a missing one and a malformed one", () => {
    expect(reason(rmc.replace("*2D", "*2E"))).toBe("bad_checksum");
    expect(reason(rmc.slice(0, -3))).toBe("no_checksum");
    expect(reason(`${rmc.slice(0, -2)}G0`)).toBe("bad_checksum");
    expect(reason(`${rmc}0`)).toBe("bad_checksum");
  });

  it("accepts lower-case checksum digits and ignores a trailing CR or NUL padding", () => {
    expect(rmc.endsWith("*2D")).toBe(true);
    expect(reason(rmc.replace("*2D", "*2d"))).toBe("ok");
    expect(reason(`${rmc}\r`)).toBe("ok");
    expect(reason(`${rmc}\u0000\u0000`)).toBe("ok");
  });

  it("refuses non-printable bytes: NUL, escape codes, latin1", () => {
    expect(reason(frameSentence("GPGGA,1\u0000,2"))).toBe("not_printable");
    expect(reason(frameSentence("GPGGA,\u001b[2J,2"))).toBe("not_printable");
    expect(reason(frameSentence("GPGGA,\u00e2,2"))).toBe("not_printable");
  });

  it("allows high-precision sentences a bit over 82 characters, up to its limit", () => {
    const long = frameSentence(`GPGGA,${"1".repeat(maxSentenceLength - 10)}`);
    expect(long.length).toBeLessThanOrEqual(maxSentenceLength);
    expect(reason(long)).toBe("ok");
    expect(reason(frameSentence(`GPGGA,${"1".repeat(maxSentenceLength)}`))).toBe("too_long");
  });

  it("tells AIS, proprietary and malformed addresses apart", () => {
    expect(reason("!AIVDM,1,1,,B,13aGra0P00PHid>NK9<2FOvHR624,0*3E")).toBe("ais");
    const pubx = checkFrame(frameSentence("PUBX,00,081350.00,4717.113210,N"));
    expect(pubx.ok && pubx.frame).toMatchObject({ proprietary: true, talker: "P", type: "UBX" });
    expect(reason(frameSentence("GPGSVH,3,1,10"))).toBe("bad_address");
    expect(reason(frameSentence("04HDM,186.5,M"))).toBe("bad_address");
    expect(reason(frameSentence("SkyTraq,Venus6"))).toBe("bad_address");
  });

  it("cuts a line at every start character so that spliced sentences are checked one by one", () => {
    const line = "$GPGSV,4,1,15,02,11,115,36,0$PTNTA,20160203131539,2,T4,000000066,+107,3,0,3*18";
    expect(splitCandidates(line)).toEqual([
      "$GPGSV,4,1,15,02,11,115,36,0",
      "$PTNTA,20160203131539,2,T4,000000066,+107,3,0,3*18",
    ]);
    expect(splitCandidates(",1.7,-30.40,M,-13.9,M,,*7D")).toEqual([",1.7,-30.40,M,-13.9,M,,*7D"]);
    expect(splitCandidates(`\u001b[0m${rmc}!AIVDM,x*00`)).toEqual(["\u001b[0m", rmc, "!AIVDM,x*00"]);
    expect(splitCandidates("  \r")).toEqual([]);
  });
});
