import type { GateControl } from "./gate/http-gate.js";
import type { ToxiproxyServer } from "./toxiproxy.js";
import type { RegistryServer } from "./registry/registry-server.js";

/** The three running services of an environment, however they were started. */
export interface EnvironmentServices {
  /** host:port a node on this machine uses for the registry (Toxiproxy's listener). */
  endpoint: string;
  /** In container mode, where a node inside the Docker network reaches Toxiproxy (alias:port). */
  networkEndpoint?: string;
  registry: RegistryServer;
  gate: GateControl;
  toxiproxy: ToxiproxyServer;
  /** Where everything is, for --retain. */
  whereabouts(): string;
  stop(): Promise<void>;
  /** Stops nothing, but drops the safety net that would remove the services on exit (--retain). */
  forget(): void;
}
