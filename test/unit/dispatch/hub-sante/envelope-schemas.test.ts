/**
 * Our EDXL-DE messages against the OFFICIAL schemas (ajv, draft-07): the official examples pass the
 * same validator (so its set-up is right), ours pass it, and wrong ones are refused (so it is not
 * vacuous). The distribution element, whose schema is not in shared/, is checked field by field.
 */
import { describe, expect, it } from "vitest";
import {
  type EdxlEnvelope,
  edxlEnvelope,
  type HubUseCase,
} from "../../../../src/domain/hub-sante/edxl-de.ts";
import type { ResourcesStatus } from "../../../../src/domain/hub-sante/rs-sr.ts";
import { officialExamples, validateHubMessage, validators } from "./official-schemas.ts";

const sentAt = Date.parse("2026-11-23T21:04:05.678Z");

function envelope(useCase: HubUseCase, distributionStatus: "Actual" | "Exercise" = "Actual"): EdxlEnvelope {
  return edxlEnvelope({
    distributionId: "fr.health.sos33_3b241101-e2bb-4255-8caf-4136c566a962",
    senderId: "fr.health.sos33",
    recipientId: "fr.health.samu330",
    sentAt,
    expiresAt: sentAt + 86_400_000,
    timeZone: "Europe/Paris",
    distributionStatus,
    useCase,
  });
}

/** The RS-SR inside a message, to spoil it. */
function statusOf(message: EdxlEnvelope): ResourcesStatus {
  return (message.content[0].jsonContent.embeddedJsonContent.message as { resourcesStatus: ResourcesStatus })
    .resourcesStatus;
}

const rsSr: HubUseCase = {
  resourcesStatus: {
    caseId: "fr.health.sos33.M-20261123-4F2A9C",
    resourceId: "fr.health.sos33.resource.BDX-07",
    state: { datetime: "2026-11-23T22:04:05+01:00", status: "DEPART" },
  },
};

describe("official Hub Santé schemas", () => {
  const examples = officialExamples();

  it("has the official examples to check the validator with", () => {
    expect(examples.length).toBeGreaterThanOrEqual(18);
  });

  it.each(examples.map((e) => [e.file, e.example] as const))(
    "accepts the official example %s",
    (_file, example) => {
      if ("resourcesStatus" in example) expect(validators.rsSr(example.resourcesStatus)).toBe(true);
      else expect(validators.geoPos(example.geoPositionsUpdate)).toBe(true);
      // Wrapped in our envelope, it passes the full EDXL-DE schema too.
      expect(validateHubMessage(envelope(example as HubUseCase))).toBeTypeOf("string");
    },
  );

  it("accepts our RS-SR and GEO-POS messages, envelope and embedded content", () => {
    expect(validateHubMessage(envelope(rsSr))).toBe("resourcesStatus");
    const geo: HubUseCase = {
      geoPositionsUpdate: {
        position: [
          {
            resourceId: "fr.health.sos33.resource.BDX-07",
            datetime: "2026-11-23T22:04:05+01:00",
            coord: { lat: 44.8378, lon: -0.5736 },
            status: "INDISPONIBLE",
            engagedStatus: "PARTIE",
          },
        ],
      },
    };
    expect(validateHubMessage(envelope(geo, "Exercise"))).toBe("geoPositionsUpdate");
  });

  it("fills the distribution element (RC-DE) from the envelope, as the DST asks", () => {
    const message = envelope(rsSr);
    expect(message.dateTimeSent).toBe("2026-11-23T22:04:05+01:00");
    expect(message.dateTimeExpires).toBe("2026-11-24T22:04:05+01:00");
    expect(message.descriptor).toEqual({
      language: "fr-FR",
      explicitAddress: { explicitAddressScheme: "hubex", explicitAddressValue: "fr.health.samu330" },
    });
    const inner = message.content[0].jsonContent.embeddedJsonContent.message;
    expect(inner).toMatchObject({
      messageId: message.distributionID,
      sender: { name: "fr.health.sos33", URI: "hubex:fr.health.sos33" },
      sentAt: message.dateTimeSent,
      kind: message.distributionKind,
      status: message.distributionStatus,
      recipient: [{ name: "fr.health.samu330", URI: "hubex:fr.health.samu330" }],
    });
  });

  it.each<[string, (m: EdxlEnvelope) => void]>([
    ["a UTC Z date-time", (m) => (statusOf(m).state.datetime = "2026-11-23T21:04:05Z")],
    ["fractional seconds", (m) => (statusOf(m).state.datetime = "2026-11-23T22:04:05.123+01:00")],
    ["an unknown RS-SR status", (m) => ((statusOf(m).state as { status: string }).status = "EN_ROUTE")],
    ["a malformed resourceId", (m) => (statusOf(m).resourceId = "BDX-07")],
    ["an envelope without senderID", (m) => delete (m as Partial<EdxlEnvelope>).senderID],
    ["an unknown distributionKind", (m) => ((m as { distributionKind: string }).distributionKind = "Info")],
    ["an extra envelope field", (m) => ((m as unknown as Record<string, unknown>).extra = 1)],
  ])("refuses %s", (_what, spoil) => {
    const message = structuredClone(envelope(rsSr));
    spoil(message);
    expect(() => validateHubMessage(message)).toThrow(/not a valid Hub Santé message/);
  });
});
