/**
 * The simulated kubelet with its environment as containers on a Docker network, as a kind node
 * would reach it. Run beside `sim` (`--backend sim --backend sim-containers`), the matrix shows
 * whether the environment's mode changes any outcome.
 */
import type { Backend } from "./backend.js";
import { SIM_TEST_TIMEOUT_MS, startSimWorld } from "./sim.js";

export const simContainers: Backend = {
  name: "sim-containers",
  description: "the simulated kubelet, with registry, Toxiproxy and gate as containers (needs Docker and make images)",
  testTimeoutMs: SIM_TEST_TIMEOUT_MS,
  concurrency: (config) => config.parallel,
  kubeletRelease: (config) => config.kubeletVersion,
  cannotRun: () => undefined,
  start: (policies, config) => startSimWorld(policies, config, { images: config.containerImages }),
};
