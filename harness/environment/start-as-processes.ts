/** The environment as child processes on 127.0.0.1 (the default): registry and Toxiproxy binaries from .tools/bin, the gate in this process. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { EnvironmentError, errorMessage } from "../support/errors.js";
import { freePort, freeStablePort } from "../support/free-port.js";
import { HttpGate } from "./gate/http-gate.js";
import { ToxiproxyServer, toxiproxyProcess } from "./toxiproxy.js";
import { RegistryProcess } from "./registry/registry-process.js";
import type { EnvironmentServices } from "./environment-services.js";

/** A free port can be taken by another process before we bind it (tests run side by side): then new ports, this many times. */
const PORT_RACE_ATTEMPTS = 3;

export async function startAsProcesses(toolsDir: string, runDir: string, storageDir: string): Promise<EnvironmentServices> {
  for (const binary of ["registry", "toxiproxy-server"]) {
    if (!existsSync(join(toolsDir, binary))) {
      throw new EnvironmentError(`${binary} is missing from ${toolsDir}`, "run `make setup`: it installs the pinned registry and Toxiproxy with go install");
    }
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnFreePorts(toolsDir, runDir, storageDir);
    } catch (error) {
      if (attempt === PORT_RACE_ATTEMPTS || !/EADDRINUSE|address already in use/.test(errorMessage(error))) throw error;
    }
  }
}

async function startOnFreePorts(toolsDir: string, runDir: string, storageDir: string): Promise<EnvironmentServices> {
  const [registryPort, gatePort, apiPort] = await distinctFreePorts(3);
  const proxyPort = await freeStablePort();
  const registry = new RegistryProcess({ binary: join(toolsDir, "registry"), port: registryPort!, storageDir, configDir: runDir });
  const gate = new HttpGate(registryPort!);
  const toxiproxy = new ToxiproxyServer(toxiproxyProcess(join(toolsDir, "toxiproxy-server"), apiPort!), `127.0.0.1:${proxyPort}`, `127.0.0.1:${gatePort}`);
  const stop = async () => {
    await toxiproxy.stop().catch(() => {});
    await gate.close().catch(() => {});
    await registry.stop().catch(() => {});
  };
  try {
    await registry.start();
    await gate.listen(gatePort!);
    await toxiproxy.start();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    endpoint: `127.0.0.1:${proxyPort}`,
    registry,
    gate,
    toxiproxy,
    whereabouts: () =>
      `registry: ${registry.url} (${registry.whereabouts})\n  gate: http://127.0.0.1:${gatePort} (in this process)\n  Toxiproxy: ${toxiproxy.whereabouts}`,
    stop,
    forget: () => {},
  };
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}
