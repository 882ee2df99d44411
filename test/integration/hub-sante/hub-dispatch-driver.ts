/**
 * Test-only: the real dispatch service with its Hub Santé gateway in a child process, so that a
 * test can kill -9 it (a crash between publishing and RabbitMQ's confirm). Options come as JSON in
 * SOSM_HUB_DRIVER: { mqttUrl, amqpUrl, dataDir }. Prints `{"ready":true}` once started, then runs
 * until SIGTERM (or the test's SIGKILL).
 *
 *   node --import tsx test/integration/hub-sante/hub-dispatch-driver.ts
 */
import { startHubDispatch } from "./hub-rig.ts";

async function main(): Promise<void> {
  const options = JSON.parse(process.env.SOSM_HUB_DRIVER ?? "{}") as Parameters<typeof startHubDispatch>[0];
  const service = await startHubDispatch(options);
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  await new Promise<void>((resolve) => process.once("SIGTERM", resolve));
  await service.stop();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `hub dispatch driver failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
