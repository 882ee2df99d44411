/**
 * The optional `hubSante` section of dispatch's options (issue 8): the gateway is off without it.
 * From the environment (apps/dispatch/main.ts, `npm start`): `hubSanteConfigFromEnv`, on when
 * SOSM_HUB_AMQP_URL is set. docs/interop/hub-sante.md explains each value and where it comes from.
 */
import { z } from "zod";
import { isValidTimeZone } from "../../../src/domain/hub-sante/hub-date-time.ts";
import { clientIdPattern, orgIdPattern } from "../../../src/domain/hub-sante/hub-ids.ts";

const clientId = z
  .string()
  .regex(clientIdPattern, { error: "expected a Hub Santé client id such as fr.health.samu330" });

export const hubSanteConfigSchema = z.strictObject({
  /** `amqps://host:5671/vhost` for Hub Santé; `amqp://` on loopback for tests. */
  amqpUrl: z.string().regex(/^amqps?:\/\/\S+$/, { error: "expected an amqp:// or amqps:// URL" }),
  /** The organisation in `fr.health.{orgId}.resource.{vehicle}` and in the case ids we create. */
  orgId: z.string().regex(orgIdPattern, { error: "expected 1 to 6 dot-separated [A-Za-z0-9_-] segments" }),
  /** Our Hub Santé client id (EDXL `senderID`), given by ANS. */
  senderId: clientId,
  /** The SAMU's client id (`explicitAddress`, RC-DE `recipient`). */
  recipientId: clientId,
  exchange: z.string().min(1).max(255).default("hubsante"),
  /** Default: `senderId`, as ANS's reference client publishes. */
  routingKey: z.string().min(1).max(255).optional(),
  /** At most one GEO-POS per car this often (the newest position wins). */
  geoPosIntervalSeconds: z.number().min(0.5).max(3600).default(30),
  /** `dateTimeExpires` = creation + this; a row still unsent by then is dropped, with a warning. */
  expirySeconds: z
    .number()
    .int()
    .min(60)
    .max(7 * 86_400)
    .default(86_400),
  distributionStatus: z.enum(["Actual", "Exercise"]).default("Actual"),
  timeZone: z.string().refine(isValidTimeZone, { error: "unknown IANA time zone" }).default("Europe/Paris"),
  /** PEM or PKCS#12 files for amqps (Hub Santé authenticates clients by certificate). */
  tls: z
    .strictObject({
      ca: z.string().optional(),
      cert: z.string().optional(),
      key: z.string().optional(),
      pfx: z.string().optional(),
      passphrase: z.string().optional(),
    })
    .optional(),
  /** SASL EXTERNAL: the broker takes our identity from the client certificate (Hub Santé does). */
  saslExternal: z.boolean().default(false),
});

/** What callers write (defaults may be left out). */
export type HubSanteConfigInput = z.input<typeof hubSanteConfigSchema>;
/** After parsing: every default filled in. */
export type HubSanteConfig = z.output<typeof hubSanteConfigSchema>;

export class HubSanteConfigError extends Error {
  override name = "HubSanteConfigError";
}

/** Which variable sets which field, for the error messages. */
const envNames: Record<string, string> = {
  amqpUrl: "SOSM_HUB_AMQP_URL",
  orgId: "SOSM_HUB_ORG_ID",
  senderId: "SOSM_HUB_SENDER_ID",
  recipientId: "SOSM_HUB_RECIPIENT_ID",
  exchange: "SOSM_HUB_EXCHANGE",
  routingKey: "SOSM_HUB_ROUTING_KEY",
  geoPosIntervalSeconds: "SOSM_HUB_GEO_INTERVAL_S",
  expirySeconds: "SOSM_HUB_EXPIRY_S",
  distributionStatus: "SOSM_HUB_DISTRIBUTION_STATUS",
  timeZone: "SOSM_HUB_TIME_ZONE",
  "tls.ca": "SOSM_HUB_CA",
  "tls.cert": "SOSM_HUB_CERT",
  "tls.key": "SOSM_HUB_KEY",
  "tls.pfx": "SOSM_HUB_PFX",
  "tls.passphrase": "SOSM_HUB_PASSPHRASE",
  saslExternal: "SOSM_HUB_SASL_EXTERNAL",
};

export function parseHubSanteConfig(input: unknown, names: Record<string, string> = {}): HubSanteConfig {
  const result = hubSanteConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const path = issue.path.join(".");
    return `${names[path] ?? `hubSante.${path}`}: ${issue.message}`;
  });
  throw new HubSanteConfigError(`invalid Hub Santé configuration: ${issues.join("; ")}`);
}

/** The gateway's config from SOSM_HUB_* variables; undefined (off) when SOSM_HUB_AMQP_URL is unset. */
export function hubSanteConfigFromEnv(env: NodeJS.ProcessEnv): HubSanteConfig | undefined {
  if (!env.SOSM_HUB_AMQP_URL) return undefined;
  const number = (name: string) => (env[name] === undefined ? undefined : Number(env[name]));
  const tls = {
    ca: env.SOSM_HUB_CA,
    cert: env.SOSM_HUB_CERT,
    key: env.SOSM_HUB_KEY,
    pfx: env.SOSM_HUB_PFX,
    passphrase: env.SOSM_HUB_PASSPHRASE,
  };
  const hasTls = Object.values(tls).some((value) => value !== undefined);
  const input = {
    amqpUrl: env.SOSM_HUB_AMQP_URL,
    orgId: env.SOSM_HUB_ORG_ID,
    senderId: env.SOSM_HUB_SENDER_ID,
    recipientId: env.SOSM_HUB_RECIPIENT_ID,
    exchange: env.SOSM_HUB_EXCHANGE,
    routingKey: env.SOSM_HUB_ROUTING_KEY,
    geoPosIntervalSeconds: number("SOSM_HUB_GEO_INTERVAL_S"),
    expirySeconds: number("SOSM_HUB_EXPIRY_S"),
    distributionStatus: env.SOSM_HUB_DISTRIBUTION_STATUS,
    timeZone: env.SOSM_HUB_TIME_ZONE,
    ...(hasTls ? { tls: JSON.parse(JSON.stringify(tls)) as Record<string, string> } : {}),
    saslExternal: env.SOSM_HUB_SASL_EXTERNAL === "1" || env.SOSM_HUB_SASL_EXTERNAL === "true",
  };
  // Unset variables are left out, so that the defaults apply.
  const defined = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  return parseHubSanteConfig(defined, envNames);
}
