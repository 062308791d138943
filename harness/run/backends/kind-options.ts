/** What a kind run is given at the edge (the CLI): which node image, which cluster, which proposed policies its kubelet knows. */
export interface KindRunOptions {
  nodeImage: string;
  clusterName: string;
  /** Proposed policies the node image's kubelet knows (its label dev.pullcheck.policies, or --kind-policies). */
  supportedPolicies: string[];
  /**
   * Where the node image's kubelet reads proposed policy definitions at start (its label
   * dev.pullcheck.policy-file): the run writes every proposed policy it has there, so a policy
   * that exists only as a YAML file runs without a new image.
   */
  policyFile?: string;
  /** What the node image says it carries (labels dev.pullcheck.kubernetes and dev.pullcheck.containerd), for the report. */
  kubernetesVersion?: string;
  containerdVersion?: string;
  /** Worker nodes, one test at a time on each; 0 for a single node that is also the control plane. */
  workers: number;
  containerdConfigTable?: "v2" | "v3";
}
