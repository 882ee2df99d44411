/**
 * What the doctor and dispatch are told about the GNSS receiver: pure rules turning raw times and
 * counts into a verdict and a short sentence ("GNSS : pas de fix depuis 40 s").
 */
export type Language = "fr" | "en";

export interface ReceiverSnapshot {
  /** Is the serial link up? */
  linkUp: boolean;
  /** Seconds until the next reopen attempt, while the link is down. */
  retryInS?: number;
  /** Wall-clock ms of the last framed sentence, of the last accepted fix (receive times). */
  lastSentenceAt: number | null;
  lastFixAt: number | null;
  satsUsed: number | null;
  /** Satellites in view per constellation (GPS, GLONASS, Galileo, BeiDou, QZSS...). */
  satsInView: Readonly<Record<string, number>>;
}

export type ReceiverState = "fix" | "no_fix" | "silent" | "unplugged";

export interface ReceiverHealth {
  state: ReceiverState;
  secondsSinceSentence: number | null;
  secondsSinceFix: number | null;
  satsUsed: number | null;
  satsInView: number;
  summary: string;
}

/** A fix older than this is no longer "current": two missed 1 Hz cycles and a margin. */
export const fixStaleAfterS = 3;
/** A receiver that sent nothing for this long is silent (wrong baud rate, dead receiver). */
export const silentAfterS = 5;

const seconds = (now: number, at: number | null) =>
  at === null ? null : Math.max(0, Math.floor((now - at) / 1000));

export function assessReceiver(
  snapshot: ReceiverSnapshot,
  now: number,
  language: Language = "fr",
): ReceiverHealth {
  const sinceSentence = seconds(now, snapshot.lastSentenceAt);
  const sinceFix = seconds(now, snapshot.lastFixAt);
  const inView = Object.values(snapshot.satsInView).reduce((sum, n) => sum + n, 0);
  let state: ReceiverState;
  if (!snapshot.linkUp) state = "unplugged";
  else if (sinceSentence === null || sinceSentence >= silentAfterS) state = "silent";
  else if (sinceFix === null || sinceFix >= fixStaleAfterS) state = "no_fix";
  else state = "fix";
  return {
    state,
    secondsSinceSentence: sinceSentence,
    secondsSinceFix: sinceFix,
    satsUsed: snapshot.satsUsed,
    satsInView: inView,
    summary: describe(state, snapshot, sinceSentence, sinceFix, inView, language),
  };
}

function describe(
  state: ReceiverState,
  snapshot: ReceiverSnapshot,
  sinceSentence: number | null,
  sinceFix: number | null,
  inView: number,
  language: Language,
): string {
  const fr = language === "fr";
  switch (state) {
    case "unplugged": {
      const retry =
        snapshot.retryInS === undefined
          ? ""
          : fr
            ? `, nouvel essai dans ${snapshot.retryInS} s`
            : `, retrying in ${snapshot.retryInS} s`;
      return fr ? `GNSS : récepteur déconnecté${retry}` : `GNSS: receiver disconnected${retry}`;
    }
    case "silent":
      if (sinceSentence === null)
        return fr ? "GNSS : aucune donnée du récepteur" : "GNSS: no data from the receiver";
      return fr
        ? `GNSS : récepteur muet depuis ${sinceSentence} s`
        : `GNSS: receiver silent for ${sinceSentence} s`;
    case "no_fix":
      if (sinceFix === null)
        return fr
          ? `GNSS : pas encore de fix (${inView} satellites en vue)`
          : `GNSS: no fix yet (${inView} satellites in view)`;
      return fr ? `GNSS : pas de fix depuis ${sinceFix} s` : `GNSS: no fix for ${sinceFix} s`;
    case "fix": {
      const used = snapshot.satsUsed ?? inView;
      return fr ? `GNSS : fix, ${used} satellites` : `GNSS: fix, ${used} satellites`;
    }
  }
}
