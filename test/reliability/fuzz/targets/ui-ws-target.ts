/**
 * Fuzz target: the kiosk UI API's WebSocket (src/server/kiosk-server.ts `onMessage`: the request
 * schema, then the command run against the real core), on an authorised socket of the real core.
 *
 * Input: one text message (UTF-8). Crash: no `result` or `problem` answer within the time limit,
 * the server closing the socket, an answer with the `internal` error code (a service threw), an
 * error logged by the core, or /healthz no longer answering. Seeds: `{ requestId, command }` for
 * every UI command.
 */
import type { UiServerMessage } from "../../../../src/contracts/ui-api.ts";
import { rawRequest, UiSocket } from "../../../support/kiosk-http.ts";
import { FuzzCrash, type FuzzTarget } from "../coverage-fuzzer.ts";
import { mutateJsonText, type Rng } from "../mutators.ts";
import { type FuzzCar, startFuzzCar } from "./car-rig.ts";
import { protocolWords, uiCommandSeeds } from "./protocol-samples.ts";

const answerTimeoutMs = 5000;

export function uiWsTarget(): FuzzTarget {
  let car: FuzzCar | null = null;
  let socket: UiSocket | null = null;

  const open = async (): Promise<UiSocket> => {
    if (car === null) throw new Error("setup() first");
    if (socket !== null && socket.socket.readyState === socket.socket.OPEN) return socket;
    socket = await UiSocket.open({
      port: car.port,
      token: car.rig.token,
      origin: `http://127.0.0.1:${car.port}`,
    });
    return socket;
  };

  /** The next answer (result or problem), or a crash. UiSocket's own listener records it first. */
  const answer = (ui: UiSocket): Promise<UiServerMessage> =>
    new Promise((resolve, reject) => {
      const settle = (error: FuzzCrash | null, found?: UiServerMessage) => {
        clearTimeout(timer);
        ui.socket.off("message", onMessage);
        ui.socket.off("close", onClose);
        if (found !== undefined) resolve(found);
        else reject(error);
      };
      const onMessage = () => {
        const found = ui.messages.find((m) => m.kind !== "state");
        if (found !== undefined) settle(null, found);
      };
      const onClose = () => settle(new FuzzCrash("the server closed the socket"));
      const timer = setTimeout(() => settle(new FuzzCrash("no answer on the socket")), answerTimeoutMs);
      ui.socket.on("message", onMessage);
      ui.socket.on("close", onClose);
    });

  return {
    name: "ui-ws",
    sources: ["/src/server/", "/src/contracts/ui-api.ts", "/src/services/", "/src/domain/"],
    maxInputBytes: 8192,
    dictionary: [...protocolWords.map((word) => `"${word}"`), "{", "}", "[", "]", ":", ","],
    async setup() {
      car = await startFuzzCar();
      await open();
    },
    seeds: () =>
      uiCommandSeeds.map((command, i) => Buffer.from(JSON.stringify({ requestId: `r${i}`, command }))),
    mutate(input: Uint8Array, rng: Rng) {
      const text = mutateJsonText(Buffer.from(input).toString("utf8"), rng, protocolWords);
      return text === null ? null : Buffer.from(text);
    },
    async exec(input) {
      if (car === null) throw new Error("setup() first");
      const ui = await open();
      car.errors.reset();
      // Keep the pushed states from piling up across a long run.
      ui.messages.splice(0);
      ui.send(Buffer.from(input).toString("utf8"));
      const reply = await answer(ui);
      if (reply.kind === "result" && !reply.outcome.ok && reply.outcome.error.code === "internal")
        throw new FuzzCrash(`internal error: ${reply.outcome.error.text.en}`);
      car.errors.throwIfAny();
    },
    async alive() {
      if (car === null) throw new Error("setup() first");
      const health = await rawRequest({ port: car.port, path: "/healthz" });
      if (health.status !== 200) throw new FuzzCrash(`/healthz answered ${health.status}`);
    },
    async teardown() {
      await socket?.close();
      await car?.rig.close();
    },
  };
}
