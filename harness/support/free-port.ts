import { createServer } from "node:net";
import { EnvironmentError } from "./errors.js";

/** A port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Fails fast, with a hint, when a port someone asked for is taken. */
export function ensurePortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", () => reject(new EnvironmentError(`port 127.0.0.1:${port} is already in use`, "stop what listens there, or let pullcheck pick free ports")));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
  });
}
