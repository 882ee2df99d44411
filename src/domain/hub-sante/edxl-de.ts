/**
 * The EDXL-DE envelope around one Hub Santé message (shared/interop/hub-sante/EDXL-DE-*.schema.json),
 * built as ANS's examples and reference client build it:
 *
 * - `distributionID`: `{senderID}_{uuid}`, minted once per outbox row, so that a message sent again
 *   (after a lost confirm, a broker or dispatch restart) carries the same id and the receiver drops it.
 * - `senderID`: our Hub Santé client id. `descriptor.explicitAddress` (`hubex` scheme) names the
 *   recipient's client id; `language` is `fr-FR`.
 * - `dateTimeSent`: when the message was built (its outbox row committed), `dateTimeExpires`: after
 *   that it is no longer worth delivering. Both local time with offset, no fractions.
 * - `distributionStatus`: `Actual`, or `Exercise` for drills; `distributionKind`: `Report` (new
 *   information, as in the RS-SR and GEO-POS examples).
 * - `content[0].jsonContent.embeddedJsonContent.message`: the distribution element (RC-DE:
 *   `messageId` = distributionID, `sender`/`recipient` with `hubex:` URIs, `sentAt` = dateTimeSent,
 *   `kind`, `status`) and the use-case object (`resourcesStatus` or `geoPositionsUpdate`).
 */
import type { GeoPositionsUpdate } from "./geo-pos.ts";
import { hubDateTime } from "./hub-date-time.ts";
import type { ResourcesStatus } from "./rs-sr.ts";

export type DistributionStatus = "Actual" | "Exercise";

export type HubUseCase = { resourcesStatus: ResourcesStatus } | { geoPositionsUpdate: GeoPositionsUpdate };

interface Party {
  name: string;
  URI: string;
}

export type HubMessage = {
  messageId: string;
  sender: Party;
  sentAt: string;
  kind: "Report";
  status: DistributionStatus;
  recipient: Party[];
} & HubUseCase;

export interface EdxlEnvelope {
  distributionID: string;
  senderID: string;
  dateTimeSent: string;
  dateTimeExpires: string;
  distributionStatus: DistributionStatus;
  distributionKind: "Report";
  descriptor: {
    language: "fr-FR";
    explicitAddress: { explicitAddressScheme: "hubex"; explicitAddressValue: string };
  };
  content: [{ jsonContent: { embeddedJsonContent: { message: HubMessage } } }];
}

export interface EnvelopeInput {
  distributionId: string;
  senderId: string;
  recipientId: string;
  /** epoch ms */
  sentAt: number;
  /** epoch ms */
  expiresAt: number;
  timeZone: string;
  distributionStatus: DistributionStatus;
  useCase: HubUseCase;
}

function party(clientId: string): Party {
  return { name: clientId, URI: `hubex:${clientId}` };
}

export function edxlEnvelope(input: EnvelopeInput): EdxlEnvelope {
  const sent = hubDateTime(input.sentAt, input.timeZone);
  return {
    distributionID: input.distributionId,
    senderID: input.senderId,
    dateTimeSent: sent,
    dateTimeExpires: hubDateTime(input.expiresAt, input.timeZone),
    distributionStatus: input.distributionStatus,
    distributionKind: "Report",
    descriptor: {
      language: "fr-FR",
      explicitAddress: { explicitAddressScheme: "hubex", explicitAddressValue: input.recipientId },
    },
    content: [
      {
        jsonContent: {
          embeddedJsonContent: {
            message: {
              messageId: input.distributionId,
              sender: party(input.senderId),
              sentAt: sent,
              kind: "Report",
              status: input.distributionStatus,
              recipient: [party(input.recipientId)],
              ...input.useCase,
            },
          },
        },
      },
    ],
  };
}
