/** The kubelet releases the oracle is built for (`make oracle`), and the simulation's name for each. */
import type { KubeletVersion } from "../node/sim/kubelet/kubelet-version.js";

export const ORACLE_RELEASES: readonly { oracle: string; sim: KubeletVersion }[] = [
  { oracle: "1.35.4", sim: "1.35" },
  { oracle: "1.36.3", sim: "1.36" },
  { oracle: "1.37.2", sim: "1.37" },
];
