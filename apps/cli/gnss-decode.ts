/**
 * `sosm gnss decode <file|->`: one JSON fix per line on stdout (the `position` body of PROTOCOL.md),
 * counts by outcome on stderr. The reference date for receivers that send no date comes from the
 * capture's `# Date:` comment or from `--date`.
 */
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { GnssPipeline } from "../../src/io/gnss/gnss-pipeline.ts";
import { LineSplitter } from "../../src/io/line-splitter.ts";

export interface DecodeOptions {
  input: string;
  date?: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin?: Readable;
}

const dateComment = /^#\s*Date:\s*(\d{4}-\d{2}-\d{2})/;

export async function gnssDecode(options: DecodeOptions): Promise<number> {
  const input: Readable =
    options.input === "-" ? (options.stdin ?? process.stdin) : createReadStream(options.input);
  const splitter = new LineSplitter();
  let pipeline: GnssPipeline | null = null;
  let fixes = 0;
  let comments = 0;
  const out = (lines: string[]) => {
    for (const line of lines) options.stdout.write(`${line}\n`);
  };
  const pipelineFor = (referenceDate?: string) => {
    // The capture's day also dates a receiver that sends none (an echo sounder's GLL).
    pipeline ??= new GnssPipeline(referenceDate ? { referenceDate, captureDate: referenceDate } : {});
    return pipeline;
  };
  for await (const chunk of input) {
    const json: string[] = [];
    for (const line of splitter.push(chunk as Buffer)) {
      if (line.startsWith("#")) {
        comments++;
        const date = dateComment.exec(line)?.[1];
        // --date wins over the capture's own comment: the operator knows better.
        if (date && !pipeline) pipelineFor(options.date ?? date);
        continue;
      }
      for (const fix of pipelineFor(options.date).push(line, Date.now())) json.push(JSON.stringify(fix));
    }
    fixes += json.length;
    out(json);
  }
  const last = pipelineFor(options.date)
    .flush()
    .map((fix) => JSON.stringify(fix));
  fixes += last.length;
  out(last);
  const counts = {
    ...pipelineFor(options.date).counts(),
    "capture.comments": comments,
    "output.fixes": fixes,
  };
  for (const [outcome, count] of Object.entries(counts).sort(([a], [b]) => a.localeCompare(b))) {
    options.stderr.write(`${outcome.padEnd(28)} ${count}\n`);
  }
  return 0;
}
