/** The gateway's settings: off without SOSM_HUB_AMQP_URL (`npm start` needs no RabbitMQ), defaults, errors. */
import { describe, expect, it } from "vitest";
import {
  HubSanteConfigError,
  hubSanteConfigFromEnv,
  parseHubSanteConfig,
} from "../../../../apps/dispatch/hub-sante/hub-sante-config.ts";

const minimal = {
  SOSM_HUB_AMQP_URL: "amqps://messaging.example.org:5671/vhost",
  SOSM_HUB_ORG_ID: "sos33",
  SOSM_HUB_SENDER_ID: "fr.health.sos33",
  SOSM_HUB_RECIPIENT_ID: "fr.health.samu330",
};

describe("Hub Santé configuration", () => {
  it("is off when SOSM_HUB_AMQP_URL is not set, whatever else is", () => {
    expect(hubSanteConfigFromEnv({})).toBeUndefined();
    expect(hubSanteConfigFromEnv({ SOSM_HUB_ORG_ID: "sos33" })).toBeUndefined();
  });

  it("fills the defaults", () => {
    expect(hubSanteConfigFromEnv(minimal)).toEqual({
      amqpUrl: "amqps://messaging.example.org:5671/vhost",
      orgId: "sos33",
      senderId: "fr.health.sos33",
      recipientId: "fr.health.samu330",
      exchange: "hubsante",
      geoPosIntervalSeconds: 30,
      expirySeconds: 86_400,
      distributionStatus: "Actual",
      timeZone: "Europe/Paris",
      saslExternal: false,
    });
  });

  it("reads every variable", () => {
    const config = hubSanteConfigFromEnv({
      ...minimal,
      SOSM_HUB_EXCHANGE: "hubsante-test",
      SOSM_HUB_ROUTING_KEY: "fr.health.sos33",
      SOSM_HUB_GEO_INTERVAL_S: "10",
      SOSM_HUB_EXPIRY_S: "3600",
      SOSM_HUB_DISTRIBUTION_STATUS: "Exercise",
      SOSM_HUB_TIME_ZONE: "Indian/Reunion",
      SOSM_HUB_PFX: "/etc/sosm/hub.p12",
      SOSM_HUB_PASSPHRASE: "secret",
      SOSM_HUB_CA: "/etc/sosm/hub-ca.pem",
      SOSM_HUB_SASL_EXTERNAL: "1",
    });
    expect(config).toMatchObject({
      exchange: "hubsante-test",
      routingKey: "fr.health.sos33",
      geoPosIntervalSeconds: 10,
      expirySeconds: 3600,
      distributionStatus: "Exercise",
      timeZone: "Indian/Reunion",
      tls: { pfx: "/etc/sosm/hub.p12", passphrase: "secret", ca: "/etc/sosm/hub-ca.pem" },
      saslExternal: true,
    });
  });

  it("names the variable that is wrong", () => {
    expect(() => hubSanteConfigFromEnv({ ...minimal, SOSM_HUB_SENDER_ID: "samu330" })).toThrow(
      /SOSM_HUB_SENDER_ID/,
    );
    expect(() => hubSanteConfigFromEnv({ ...minimal, SOSM_HUB_TIME_ZONE: "Mars/Olympus" })).toThrow(
      /SOSM_HUB_TIME_ZONE: unknown IANA time zone/,
    );
    expect(() => hubSanteConfigFromEnv({ ...minimal, SOSM_HUB_ORG_ID: undefined })).toThrow(
      /SOSM_HUB_ORG_ID/,
    );
    expect(() => hubSanteConfigFromEnv({ ...minimal, SOSM_HUB_AMQP_URL: "http://x" })).toThrow(
      HubSanteConfigError,
    );
  });

  it("refuses an unknown field in the options object", () => {
    expect(() =>
      parseHubSanteConfig({
        amqpUrl: "amqp://x",
        orgId: "a",
        senderId: "a.b.c",
        recipientId: "a.b.d",
        typo: 1,
      }),
    ).toThrow(/hubSante/);
  });
});
