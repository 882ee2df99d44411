/**
 * The `sosm` command line: `npm run -s sosm -- <command>`.
 * Each command lives in its own file; this one only parses arguments and reports usage errors.
 */
import { parseArgs } from "node:util";
import { gnssDecode } from "./gnss-decode.ts";

const usage = `usage: npm run -s sosm -- <command>

  gnss decode <file|-> [--date YYYY-MM-DD]   decode a capture: JSON fixes on stdout, counts on stderr
  gnss watch --port P [--baud B] [--lang en] live view of a receiver, for technicians
  core --config F [--console]                run the terminal core
  sim drive --out F [--minutes N] [--flavour gps|multi]
                                             write a simulated drive as a capture file
  sim equipment --port P [--scenario S] [--speed X]
                                             emulate the equipment controller on a serial port
                                             (S: normal, cylinder-draining, ecg-selftest-fail, bag-removed,
                                             fridge-warming, controller-reboot, line-noise)
  pin hash                                   read a PIN on stdin, print its hash (alarms.cancelPinHash)
  checks enrol --config F --technician ID --name "First Last"
                                             enrol a technician; the PIN (4-8 digits) is read on stdin
  checks list --config F [--lang en]         the profile's checklists and their latest results
  checks sign --config F --technician ID --schedule shiftStart|weekly|monthly --results F.json
                                             sign a checklist (PIN on stdin); results file:
                                             [{"checkId":"ecg-pads","result":"fail","notes":"..."}]
  checks export --config F [--from D] [--to D] --out F.csv [--delimiter ";"] [--lang en]
                                             checks history as CSV (D: YYYY-MM-DD or ISO time)
  shifts enrol --config F --rpps N           set a roster doctor's PIN (4-8 digits, read on stdin)
  shifts export --config F --out F.csv [--from D] [--to D] [--delimiter ";"] [--lang en]
                                             shift history with its summaries as CSV
`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      date: { type: "string" },
      port: { type: "string" },
      baud: { type: "string" },
      lang: { type: "string" },
      config: { type: "string" },
      console: { type: "boolean" },
      out: { type: "string" },
      minutes: { type: "string" },
      flavour: { type: "string" },
      scenario: { type: "string" },
      speed: { type: "string" },
      technician: { type: "string" },
      name: { type: "string" },
      schedule: { type: "string" },
      results: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      delimiter: { type: "string" },
      rpps: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, sub, arg] = positionals;
  if (values.help || !command) {
    process.stdout.write(usage);
    return values.help ? 0 : 2;
  }
  if (command === "gnss" && sub === "decode") {
    if (!arg) return fail("gnss decode needs a file, or - for stdin");
    if (values.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.date))
      return fail("--date must be YYYY-MM-DD");
    return gnssDecode({
      input: arg,
      ...(values.date ? { date: values.date } : {}),
      stdout: process.stdout,
      stderr: process.stderr,
    });
  }
  if (command === "gnss" && sub === "watch") {
    if (!values.port) return fail("gnss watch needs --port");
    const baudRate = Number(values.baud ?? 9600);
    if (!Number.isInteger(baudRate) || baudRate <= 0) return fail("--baud must be a positive integer");
    const { gnssWatch } = await import("./gnss-watch.ts");
    return gnssWatch({
      port: values.port,
      baudRate,
      language: values.lang === "en" ? "en" : "fr",
      stdout: process.stdout,
    });
  }
  if (command === "core") {
    const { runCore } = await import("./core-command.ts");
    return runCore({
      ...(values.config ? { configPath: values.config } : {}),
      console: values.console ?? false,
    });
  }
  if (command === "pin" && sub === "hash") {
    const { pinHash } = await import("./pin-command.ts");
    return pinHash({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
  }
  if (command === "checks") {
    const { runChecks } = await import("./checks-command.ts");
    const { config, lang, technician, name, schedule, results, from, to, out, delimiter } = values;
    const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
    const args = { technician, name, schedule, results, from, to, out, delimiter };
    return runChecks({ action: sub, configPath: config, lang: lang === "en" ? "en" : "fr", ...args, ...io });
  }
  if (command === "shifts") {
    const { runShifts } = await import("./shifts-command.ts");
    const { config, lang, rpps, from, to, out, delimiter } = values;
    const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
    return runShifts({
      action: sub,
      configPath: config,
      lang: lang === "en" ? "en" : "fr",
      ...{ rpps, from, to, out, delimiter },
      ...io,
    });
  }
  if (command === "sim" && sub === "equipment") {
    if (!values.port) return fail("sim equipment needs --port");
    const speed = values.speed === undefined ? undefined : Number(values.speed);
    const baudRate = Number(values.baud ?? 9600);
    if (!Number.isInteger(baudRate) || baudRate <= 0) return fail("--baud must be a positive integer");
    const { simEquipment } = await import("./sim-equipment.ts");
    return simEquipment({
      port: values.port,
      ...(values.scenario === undefined ? {} : { scenario: values.scenario }),
      ...(speed === undefined ? {} : { speed }),
      baudRate,
    });
  }
  if (command === "sim" && sub === "drive") {
    if (!values.out) return fail("sim drive needs --out FILE");
    const minutes = Number(values.minutes ?? 10);
    if (!(minutes > 0)) return fail("--minutes must be a positive number");
    const flavour = values.flavour === "multi" ? "multi" : "gps";
    const { writeFileSync } = await import("node:fs");
    const { captureText } = await import("../sim/drive/capture.ts");
    writeFileSync(values.out, captureText({ durationS: minutes * 60, flavour }));
    return 0;
  }
  return fail(`unknown command: ${positionals.join(" ")}`);
}

function fail(message: string): number {
  process.stderr.write(`sosm: ${message}\n\n${usage}`);
  return 2;
}

// `sosm gnss decode log | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`sosm: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
