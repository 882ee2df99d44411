import { describe, expect, it } from "vitest";
import { assessReceiver, type ReceiverSnapshot } from "../../../../src/domain/gnss/receiver-health.ts";

const now = 1_000_000;
const base: ReceiverSnapshot = {
  linkUp: true,
  lastSentenceAt: now - 200,
  lastFixAt: now - 500,
  satsUsed: 9,
  satsInView: { GP: 9, GL: 5 },
};

describe("receiver health", () => {
  it("reports a current fix with the satellites used", () => {
    const health = assessReceiver(base, now, "fr");
    expect(health).toMatchObject({ state: "fix", satsUsed: 9, satsInView: 14, secondsSinceFix: 0 });
    expect(health.summary).toBe("GNSS : fix, 9 satellites");
  });

  it("tells the doctor how long there has been no fix, in French and English", () => {
    const snapshot = { ...base, lastFixAt: now - 40_000 };
    expect(assessReceiver(snapshot, now, "fr").summary).toBe("GNSS : pas de fix depuis 40 s");
    expect(assessReceiver(snapshot, now, "en").summary).toBe("GNSS: no fix for 40 s");
  });

  it("counts a fix as lost after three seconds without one", () => {
    expect(assessReceiver({ ...base, lastFixAt: now - 2_999 }, now).state).toBe("fix");
    expect(assessReceiver({ ...base, lastFixAt: now - 3_000 }, now).state).toBe("no_fix");
  });

  it("says no fix yet, with the satellites in view, before the first fix", () => {
    const health = assessReceiver({ ...base, lastFixAt: null }, now, "en");
    expect(health.state).toBe("no_fix");
    expect(health.summary).toBe("GNSS: no fix yet (14 satellites in view)");
  });

  it("calls a receiver that sends nothing silent (wrong baud rate, dead receiver)", () => {
    expect(assessReceiver({ ...base, lastSentenceAt: now - 6_000 }, now, "en").summary).toBe(
      "GNSS: receiver silent for 6 s",
    );
    expect(assessReceiver({ ...base, lastSentenceAt: null, lastFixAt: null }, now, "fr").summary).toBe(
      "GNSS : aucune donnée du récepteur",
    );
  });

  it("shows an unplugged receiver with the time to the next attempt", () => {
    const health = assessReceiver({ ...base, linkUp: false, retryInS: 3 }, now, "fr");
    expect(health.state).toBe("unplugged");
    expect(health.summary).toBe("GNSS : récepteur déconnecté, nouvel essai dans 3 s");
  });
});
