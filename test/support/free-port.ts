import { createServer } from "node:net";

/** Asks the kernel for a free TCP port on loopback (for per-suite brokers and servers). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("no TCP address"));
        return;
      }
      server.close(() => resolvePort(address.port));
    });
  });
}
