/**
 * Container mode: registry, gate and Toxiproxy as containers (testcontainers) on a Docker network
 * of the run's own, or on an existing one (the kind backend joins `kind`). This machine reaches
 * them at their addresses on that network (no published ports: a refused connection stays a
 * refused connection, which a userland port proxy would turn into a reset), so the harness must
 * run on the Docker host itself (Linux).
 *
 * Cleanup: testcontainers' reaper (Ryuk) is an image that cannot be pulled everywhere, so it is
 * off; every container and network carries the labels `dev.pullcheck=true` and
 * `dev.pullcheck.run=<id>`, is removed on close and, synchronously, on exit and signals; after a
 * SIGKILL `make clean` removes whatever carries `dev.pullcheck=true`.
 */
import { randomBytes } from "node:crypto";
import { runCommand, runCommandSync } from "../support/command.js";
import { EnvironmentError, errorMessage } from "../support/errors.js";
import { onCleanup } from "../support/cleanup.js";
import { retryUntil } from "../support/retry-until.js";
import { RemoteGate } from "./gate/remote-gate.js";
import { ToxiproxyServer } from "./toxiproxy.js";
import { RegistryContainer } from "./registry/registry-container.js";
import type { EnvironmentServices } from "./environment-services.js";

export interface ContainerImages {
  registry: string;
  toxiproxy: string;
  gate: string;
}

export interface ContainerOptions {
  images: ContainerImages;
  /** Join this existing Docker network (e.g. "kind") instead of creating one for the run. */
  network?: string;
}

export const DEFAULT_CONTAINER_IMAGES: ContainerImages = {
  registry: "registry:3",
  toxiproxy: "ghcr.io/shopify/toxiproxy:2.12.0",
  gate: "pullcheck-gate:local",
};
export const PULLCHECK_LABEL = "dev.pullcheck";
const TOXIPROXY_API_PORT = 8474;
const TOXIPROXY_LISTEN_PORT = 8666;

export async function startAsContainers(options: ContainerOptions, runDir: string, storageDir: string): Promise<EnvironmentServices> {
  // No reaper (see above); and no probe for the host address, which would pull an image.
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= "true";
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= "localhost";
  await requireDocker(options.images);
  const { GenericContainer } = await import("testcontainers");
  const runId = randomBytes(4).toString("hex");
  const labels = { [PULLCHECK_LABEL]: "true", [`${PULLCHECK_LABEL}.run`]: runId };
  const names = { registry: `pullcheck-registry-${runId}`, gate: `pullcheck-gate-${runId}`, toxiproxy: `pullcheck-toxiproxy-${runId}` };
  const ownNetwork = options.network === undefined;
  const network = options.network ?? `pullcheck-${runId}`;
  const removeAll = () => removeLabelled(runId, ownNetwork ? network : undefined);
  const unregister = onCleanup(`containers of run ${runId}`, removeAll);
  try {
    if (ownNetwork)
      await runCommand("docker", ["network", "create", "--label", `${PULLCHECK_LABEL}=true`, "--label", `${PULLCHECK_LABEL}.run=${runId}`, network]);
    const registry = new RegistryContainer({ image: options.images.registry, network, alias: names.registry, labels, storageDir, configDir: runDir });
    await registry.start();
    const gateContainer = await new GenericContainer(options.images.gate)
      .withName(names.gate)
      .withNetworkMode(network)
      .withNetworkAliases(names.gate)
      .withLabels(labels)
      .withCommand(["--listen", "5000", "--control", "5001", "--upstream", `${names.registry}:5000`])
      .start();
    const gateIp = gateContainer.getIpAddress(network);
    const gate = new RemoteGate(`http://${gateIp}:5001`);
    await waitForHttp(`http://${gateIp}:5001/log/seq`, "the gate");
    await gate.start();
    let toxiproxyIp = "";
    const toxiproxy = new ToxiproxyServer(
      async () => {
        const container = await new GenericContainer(options.images.toxiproxy)
          .withName(names.toxiproxy)
          .withNetworkMode(network)
          .withNetworkAliases(names.toxiproxy)
          .withLabels(labels)
          .withCommand(["-host=0.0.0.0"])
          .start();
        toxiproxyIp = container.getIpAddress(network);
        const apiUrl = `http://${toxiproxyIp}:${TOXIPROXY_API_PORT}`;
        await waitForHttp(`${apiUrl}/version`, "Toxiproxy");
        return { apiUrl, whereabouts: `container ${names.toxiproxy}, API ${apiUrl}`, stop: async () => void (await container.stop({ timeout: 1_000 })) };
      },
      `0.0.0.0:${TOXIPROXY_LISTEN_PORT}`,
      `${names.gate}:5000`,
    );
    await toxiproxy.start();
    return {
      endpoint: `${toxiproxyIp}:${TOXIPROXY_LISTEN_PORT}`,
      networkEndpoint: `${names.toxiproxy}:${TOXIPROXY_LISTEN_PORT}`,
      registry,
      gate,
      toxiproxy,
      whereabouts: () =>
        `network: ${network} (label ${PULLCHECK_LABEL}.run=${runId})\n  registry: ${registry.url} (${registry.whereabouts})\n  gate: container ${names.gate}, control http://${gateIp}:5001\n  Toxiproxy: ${toxiproxy.whereabouts}`,
      async stop() {
        await gate.close();
        await toxiproxy.stop().catch(() => {});
        await gateContainer.stop({ timeout: 1_000 }).catch(() => {});
        await registry.stop().catch(() => {});
        removeAll();
        unregister();
      },
      forget: unregister,
    };
  } catch (error) {
    removeAll();
    unregister();
    throw error instanceof EnvironmentError
      ? error
      : new EnvironmentError(`container mode could not start: ${errorMessage(error)}`, "check `docker info`, and `make images` for the images");
  }
}

async function requireDocker(images: ContainerImages): Promise<void> {
  try {
    await runCommand("docker", ["info", "--format", "{{.ServerVersion}}"]);
  } catch {
    throw new EnvironmentError(
      "container mode needs a Docker engine, and none answers",
      "start one (on Debian: apt-get install docker.io && dockerd &), or leave container mode off",
    );
  }
  for (const image of Object.values(images)) {
    try {
      await runCommand("docker", ["image", "inspect", "--format", "{{.Id}}", image]);
    } catch {
      throw new EnvironmentError(
        `the image ${image} is not on this machine`,
        "run `make images`: it builds local stand-ins FROM scratch under the upstream names (or pull the image where that is possible)",
      );
    }
  }
}

/** Synchronous, so that it also works in an exit handler. */
function removeLabelled(runId: string, network: string | undefined): void {
  try {
    const ids = runCommandSync("docker", ["ps", "-aq", "--filter", `label=${PULLCHECK_LABEL}.run=${runId}`])
      .stdout.split("\n")
      .filter(Boolean);
    if (ids.length > 0) runCommandSync("docker", ["rm", "-f", "-v", ...ids]);
    if (network) runCommandSync("docker", ["network", "rm", network]);
  } catch {
    // Best effort: `make clean` removes whatever carries the label.
  }
}

async function waitForHttp(url: string, what: string, deadlineMs = 15_000): Promise<void> {
  await retryUntil(async () => (await fetch(url, { signal: AbortSignal.timeout(1_000) })).arrayBuffer(), {
    timeoutMs: deadlineMs,
    intervalMs: 50,
    giveUp: (error) =>
      new EnvironmentError(
        `${what} did not answer at ${url} within ${deadlineMs / 1000} s (${errorMessage(error)})`,
        "see `docker logs` of the container (run with --retain to keep it)",
      ),
  });
}
