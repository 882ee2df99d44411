/**
 * Turns what the suite recorded (core exits and starts, faults, the screen's samples) into the
 * windows that the track check needs. Everything is in the test's wall clock, epoch ms.
 */

import type { FaultRecord } from "./chaos-faults.ts";
import type { CoreExit } from "./chaos-rig.ts";
import type { ScreenSample } from "./chaos-screen.ts";
import type { Window } from "./chaos-track.ts";

/**
 * The live stream counts as delivered once the link stayed up 2 × keepalive + 10 s = 20 s after a
 * fix (src/app/dispatch-connection.ts); 18 s leaves room for the 0.5 s sampling of the screen.
 */
const uncoveredBeforeDropMs = 18_000;

export function deathsOf(
  exits: readonly CoreExit[],
  starts: readonly number[],
  faults: readonly FaultRecord[],
) {
  return exits.map((exit) => {
    const full = faults.find(
      (f) =>
        f.kind === "disk-full" &&
        f.startedAt !== null &&
        f.startedAt <= exit.at &&
        (f.endedAt === null || f.endedAt >= exit.at),
    );
    return {
      at: exit.at,
      restartedAt: starts.find((s) => s >= exit.at) ?? null,
      fullSince: full?.startedAt ?? null,
    };
  });
}

/**
 * Where the car's link was down, as its own screen showed it, widened back by what the live stream
 * had not yet covered; and each core death, from the same margin before it until the restarted
 * core had connected again.
 */
export function linkDownWindows(
  samples: readonly ScreenSample[],
  deaths: ReadonlyArray<{ at: number; restartedAt: number | null }>,
): Window[] {
  const windows: Window[] = [];
  let run: { first: number; last: number } | null = null;
  for (const sample of samples) {
    if (sample.link !== "connected") {
      run = run ? { first: run.first, last: sample.t } : { first: sample.t, last: sample.t };
    } else if (run) {
      windows.push({ from: run.first - uncoveredBeforeDropMs, to: run.last });
      run = null;
    }
  }
  if (run) windows.push({ from: run.first - uncoveredBeforeDropMs, to: run.last });
  for (const death of deaths) {
    // Until the last sample before the first "connected" one after the restart, the core was offline.
    const restarted = death.restartedAt ?? death.at;
    const back = samples.findIndex((s) => s.t > restarted && s.link === "connected");
    const before = back > 0 ? samples[back - 1] : undefined;
    windows.push({
      from: death.at - uncoveredBeforeDropMs,
      to: before && before.t > restarted ? before.t : restarted,
    });
  }
  return windows;
}

export function replugsOf(faults: readonly FaultRecord[]): number[] {
  return faults.flatMap((f) =>
    f.kind === "gnss-unplug" && f.endedAt !== null && !f.error ? [f.endedAt] : [],
  );
}
