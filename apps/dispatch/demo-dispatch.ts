/**
 * Dispatch as `npm start` runs it: its own database under the demo data folder, the demo operator,
 * port 7390 (or a free one when 7390 is taken: a second demo on the same machine must still start).
 */
import type { Logger } from "../../src/services/ports.ts";
import { DispatchService } from "./dispatch-service.ts";
import { hubSanteConfigFromEnv } from "./hub-sante/hub-sante-config.ts";
import { buildWebIfNeeded } from "./web-build-step.ts";

/** Demo only: a production operator is added with `tsx apps/dispatch/main.ts operator add`. */
export const demoOperator = {
  username: "regulation",
  displayName: "Régulation (démo)",
  password: "sosm-demo-2026",
};

export interface DemoDispatch {
  service: DispatchService;
  /** The lines to print: URL and demo login. */
  banner: string;
}

export async function startDemoDispatch(options: {
  mqttUrl: string;
  protocolVersion: 4 | 5;
  dataDir: string;
  logger: Logger;
}): Promise<DemoDispatch> {
  const hubSante = hubSanteConfigFromEnv(process.env);
  const base = {
    fleet: "bordeaux",
    mqttUrl: options.mqttUrl,
    protocolVersion: options.protocolVersion,
    dataDir: options.dataDir,
    operators: [demoOperator],
    logger: options.logger,
    // Off unless SOSM_HUB_AMQP_URL is set: `npm start` needs no RabbitMQ.
    ...(hubSante ? { hubSante } : {}),
  };
  await buildWebIfNeeded(options.logger);
  const port = Number(process.env.SOSM_DISPATCH_PORT ?? 7390);
  let service: DispatchService;
  try {
    service = await DispatchService.start({ ...base, http: { port } });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    service = await DispatchService.start({ ...base, http: { port: 0 } });
  }
  return {
    service,
    banner: `Régulation / dispatch console: ${service.url}  (login ${demoOperator.username} / ${demoOperator.password})`,
  };
}
