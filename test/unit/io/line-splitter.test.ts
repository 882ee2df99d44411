import { describe, expect, it } from "vitest";
import { LineSplitter } from "../../../src/io/line-splitter.ts";

const rmc = "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A";
const gga = "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47";

function splitAll(chunks: Buffer[], splitter = new LineSplitter()): string[] {
  return chunks.flatMap((c) => splitter.push(c));
}

describe("LineSplitter", () => {
  it.each([
    ["LF", "\n"],
    ["CR", "\r"],
    ["CRLF", "\r\n"],
  ])("splits lines ended by %s without leaving a line-end character", (_name, eol) => {
    const lines = splitAll([Buffer.from(`${rmc}${eol}${gga}${eol}`, "latin1")]);
    expect(lines).toEqual([rmc, gga]);
  });

  it("splits mixed line ends and skips the empty lines they imply", () => {
    const splitter = new LineSplitter();
    const lines = splitAll([Buffer.from(`a\r\nb\nc\rd\n\r\n\n\re\r\n`, "latin1")], splitter);
    expect(lines).toEqual(["a", "b", "c", "d", "e"]);
    expect(splitter.counts()).toEqual({ lines: 5, overflows: 0, bytesDiscarded: 0 });
  });

  it("keeps a partial line until its line end arrives", () => {
    const splitter = new LineSplitter();
    expect(splitter.push(Buffer.from("$GPGGA,1"))).toEqual([]);
    expect(splitter.push(Buffer.from("23519"))).toEqual([]);
    expect(splitter.push(Buffer.from("\r\n$GP"))).toEqual(["$GPGGA,123519"]);
  });

  it("does not corrupt the next sentence when a stray 0xE2 precedes CRLF (latin1, not utf8)", () => {
    const bytes = Buffer.concat([
      Buffer.from("$GPTXT,junk"),
      Buffer.from([0xe2]),
      Buffer.from(`\r\n${rmc}\r\n`),
    ]);
    const lines = splitAll([bytes]);
    expect(lines).toEqual(["$GPTXT,junk\u00e2", rmc]);
  });

  it("keeps every byte as one char, so a split multi-byte sequence cannot eat a line end", () => {
    const lines = splitAll([Buffer.from([0x41, 0xe2, 0x80]), Buffer.from([0x0d, 0x0a, 0x42, 0x0a])]);
    expect(lines).toEqual(["A\u00e2\u0080", "B"]);
  });

  it("emits a line of exactly 256 bytes but drops one of 257 bytes up to its line end", () => {
    const splitter = new LineSplitter();
    const ok = "x".repeat(256);
    const tooLong = "y".repeat(257);
    expect(splitter.push(Buffer.from(`${ok}\n${tooLong}\n${gga}\n`))).toEqual([ok, gga]);
    expect(splitter.counts()).toEqual({ lines: 2, overflows: 1, bytesDiscarded: 257 });
  });

  it("drops a runaway line that arrives in small chunks, and resumes at the next line end", () => {
    const splitter = new LineSplitter({ maxLineBytes: 16 });
    const out: string[] = [];
    for (let i = 0; i < 100; i++) out.push(...splitter.push(Buffer.from("0123456789")));
    out.push(...splitter.push(Buffer.from("tail\r\nnext\r\n")));
    expect(out).toEqual(["next"]);
    expect(splitter.counts()).toEqual({ lines: 1, overflows: 1, bytesDiscarded: 1004 });
  });

  it("handles 10 MiB without a line end in milliseconds, holding no more than the bound", () => {
    const splitter = new LineSplitter();
    const junk = Buffer.alloc(10 * 1024 * 1024, 0x41);
    const started = performance.now();
    let lines: string[] = [];
    // As a serial port delivers it: 64 KiB chunks, then valid lines.
    for (let offset = 0; offset < junk.length; offset += 65536) {
      lines.push(...splitter.push(junk.subarray(offset, offset + 65536)));
    }
    lines = lines.concat(splitter.push(Buffer.from(`\r\n${rmc}\r\n`)));
    const elapsedMs = performance.now() - started;
    expect(lines).toEqual([rmc]);
    expect(splitter.counts()).toEqual({ lines: 1, overflows: 1, bytesDiscarded: junk.length });
    // Measured 11-23 ms on the 2-core dev box; parser-readline took over a minute (PITFALLS.md).
    expect(elapsedMs).toBeLessThan(500);
  });

  it("handles 10 MiB in one chunk with many short lines in linear time", () => {
    const line = Buffer.from("$GPGSV,3,1,11*7A\n");
    const big = Buffer.alloc(10 * 1024 * 1024);
    for (let o = 0; o + line.length <= big.length; o += line.length) line.copy(big, o);
    const splitter = new LineSplitter();
    const started = performance.now();
    const lines = splitter.push(big);
    const elapsedMs = performance.now() - started;
    expect(lines.length).toBe(Math.floor(big.length / line.length));
    expect(elapsedMs).toBeLessThan(3000);
  });

  it("emits a line split across two chunks at every possible position, with every line end", () => {
    for (const eol of ["\n", "\r", "\r\n"]) {
      const bytes = Buffer.from(`${rmc}${eol}${gga}${eol}`, "latin1");
      for (let cut = 0; cut <= bytes.length; cut++) {
        const lines = splitAll([bytes.subarray(0, cut), bytes.subarray(cut)]);
        expect(lines, `eol=${JSON.stringify(eol)} cut=${cut}`).toEqual([rmc, gga]);
      }
    }
  });

  it("emits the same lines when bytes arrive one at a time", () => {
    const bytes = Buffer.from(`${rmc}\r\n\r\n${gga}\r`, "latin1");
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    expect(splitAll(chunks)).toEqual([rmc, gga]);
  });

  it("forgets a partial line on reset", () => {
    const splitter = new LineSplitter();
    splitter.push(Buffer.from("$GPGGA,12"));
    splitter.reset();
    expect(splitter.push(Buffer.from(`${gga}\n`))).toEqual([gga]);
  });

  it("returns the unterminated last line on flush, but not the tail of an over-long line", () => {
    const splitter = new LineSplitter({ maxLineBytes: 8 });
    expect(splitter.push(Buffer.from("abc\ndef"))).toEqual(["abc"]);
    expect(splitter.flush()).toEqual(["def"]);
    splitter.push(Buffer.from("0123456789"));
    expect(splitter.flush()).toEqual([]);
    expect(splitter.push(Buffer.from("ok\n"))).toEqual(["ok"]);
  });

  it("rejects a bound below one byte", () => {
    expect(() => new LineSplitter({ maxLineBytes: 0 })).toThrow(RangeError);
  });
});
