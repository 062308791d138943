/**
 * The node under test is a real kubelet in a kind cluster. Pods and pull secrets are created with
 * @kubernetes/client-node; the pod's container status and the namespace's Events are polled and
 * put on the timeline (real clock). `gc` is `crictl rmi` in the node, `restart: kubelet` is
 * `systemctl restart kubelet` there.
 */
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { RealClock, type Clock } from "../../support/clock.js";
import { EnvironmentError, errorMessage } from "../../support/errors.js";
import { retryUntil } from "../../support/retry-until.js";
import type { Timeline } from "../../observe/timeline.js";
import type { Observation } from "../../observe/observation.js";
import type { NodeUnderTest } from "../node-under-test.js";
import type { PodRequest } from "../../scenario/steps/index.js";
import type { KindCluster } from "./kind-cluster.js";
import { EventReader, podManifest, pullSecretManifest, statusObservation } from "./kind-objects.js";
import { PullAttribution, type AttributableRequest } from "./pull-attribution.js";

const POLL_MS = 500;
const SERVICE_ACCOUNT_TIMEOUT_MS = 60_000;
const POD_DELETION_TIMEOUT_MS = 120_000;

export class KindNode implements NodeUnderTest {
  readonly backend = "kind";
  readonly clock: Clock = new RealClock();
  private readonly api: CoreV1Api;
  private readonly events = new EventReader();
  private readonly attribution = new PullAttribution();
  private readonly lastState = new Map<string, string>();
  private readonly pods = new Set<string>();
  private readonly secrets = new Set<string>();
  private polling: NodeJS.Timeout | undefined;
  private pollInFlight: Promise<void> | undefined;

  constructor(
    private readonly cluster: KindCluster,
    /** The kind node (container and Kubernetes node name) the test's pods are bound to. */
    private readonly nodeName: string,
    private readonly namespace: string,
    private readonly timeline: Timeline,
    /** Resolves once the registry's access log holds every request answered so far. */
    private readonly flushRequests: () => Promise<void> = async () => {},
  ) {
    const config = new KubeConfig();
    config.loadFromString(cluster.kubeconfig);
    this.api = config.makeApiClient(CoreV1Api);
  }

  async start(): Promise<void> {
    await this.api.createNamespace({ body: { metadata: { name: this.namespace, labels: { "app.kubernetes.io/managed-by": "pullcheck" } } } });
    await this.waitForDefaultServiceAccount();
    this.polling = setInterval(() => void this.poll(), POLL_MS);
  }

  /**
   * The ServiceAccount admission plugin refuses a pod until its namespace's `default` account
   * exists, which a controller creates shortly after the namespace (the e2e framework waits for it
   * the same way, WaitForDefaultServiceAccountInNamespace).
   */
  private async waitForDefaultServiceAccount(): Promise<void> {
    await retryUntil(() => this.api.readNamespacedServiceAccount({ name: "default", namespace: this.namespace }), {
      timeoutMs: SERVICE_ACCOUNT_TIMEOUT_MS,
      intervalMs: POLL_MS,
      giveUp: (error) =>
        new EnvironmentError(
          `the namespace ${this.namespace} has no default ServiceAccount ${SERVICE_ACCOUNT_TIMEOUT_MS / 1000} s after it was created: ${errorMessage(error)}`,
          "is the cluster's controller manager running? (`--retain` keeps the cluster)",
        ),
    });
  }

  async createPod(request: PodRequest): Promise<void> {
    if (request.pullSecret && !this.secrets.has(request.pullSecret.name)) {
      await this.api.createNamespacedSecret({ namespace: this.namespace, body: pullSecretManifest(request.pullSecret, this.namespace) });
      this.secrets.add(request.pullSecret.name);
    }
    this.attribution.podCreated(request.name, request.image, this.clock.now());
    await this.api.createNamespacedPod({ namespace: this.namespace, body: podManifest(request, this.namespace, this.nodeName) });
    this.pods.add(request.name);
  }

  async deletePod(name: string): Promise<void> {
    await this.api.deleteNamespacedPod({ name, namespace: this.namespace, gracePeriodSeconds: 0 });
    this.attribution.podDeleted(name, this.clock.now());
    this.pods.delete(name);
  }

  async removeImage(image: string): Promise<void> {
    await this.cluster.exec(this.nodeName, ["crictl", "rmi", image]);
  }

  async restartKubelet(): Promise<void> {
    await this.cluster.exec(this.nodeName, ["systemctl", "restart", "kubelet"]);
  }

  /** The pod a registry request that does not name one was for (see pull-attribution.ts). */
  podOfRequest(request: AttributableRequest): string | undefined {
    return this.attribution.attribute(request);
  }

  contentVerified(): boolean | undefined {
    return undefined; // containerd verifies digests itself; there is no hook to re-check here
  }

  async close(): Promise<void> {
    if (this.polling) clearInterval(this.polling);
    await this.pollInFlight; // then a last poll that starts after everything before close
    await this.poll();
    await this.api.deleteNamespace({ name: this.namespace, gracePeriodSeconds: 0 }).catch(() => {});
    await this.waitUntilPodsAreGone();
  }

  /**
   * The next test on this node starts its kubelet again: a pod of this test that still exists
   * then would be synced and pull its image onto the node that test expects empty (seen: a Never
   * test found the image an earlier Always pod had pulled back).
   */
  private async waitUntilPodsAreGone(): Promise<void> {
    await retryUntil(
      async () => {
        const left = (await this.api.listNamespacedPod({ namespace: this.namespace })).items?.length ?? 0;
        if (left > 0) throw new Error(`${left} pods of namespace ${this.namespace} are still terminating`);
      },
      {
        timeoutMs: POD_DELETION_TIMEOUT_MS,
        intervalMs: POLL_MS,
        giveUp: (error) =>
          new EnvironmentError(
            `the pods of ${this.namespace} were not gone ${POD_DELETION_TIMEOUT_MS / 1000} s after the namespace was deleted: ${errorMessage(error)}`,
            "is the node's kubelet running? (`--retain` keeps the cluster)",
          ),
      },
    );
  }

  /** One poll at a time: a slow API server must not get a second poll that reads older state. */
  private poll(): Promise<void> {
    this.pollInFlight ??= this.pollOnce().finally(() => (this.pollInFlight = undefined));
    return this.pollInFlight;
  }

  /**
   * Reads every pod and the namespace's Events, then waits until the registry's access log holds
   * every request answered so far (a gate in a container reports over a stream), and only then
   * puts the readings on the timeline: a request sent before a container started is never
   * placed after that start.
   */
  private async pollOnce(): Promise<void> {
    try {
      const at = this.clock.now();
      const readings: { name: string; observation: Extract<Observation, { kind: "status" }> | undefined; readAt: number }[] = [];
      for (const name of this.pods) {
        const pod = await this.api.readNamespacedPod({ name, namespace: this.namespace });
        readings.push({ name, observation: statusObservation(pod, at), readAt: this.clock.now() });
      }
      const events = await this.api.listNamespacedEvent({ namespace: this.namespace });
      await this.flushRequests();
      for (const { name, observation, readAt } of readings) {
        if (!observation) continue;
        // A start is seen after it happened: the time of the reading bounds it from above.
        this.attribution.podObserved(name, observation.state.phase === "running", readAt);
        const key = JSON.stringify(observation.state);
        if (this.lastState.get(name) === key) continue;
        this.lastState.set(name, key);
        this.timeline.add(observation);
      }
      for (const observation of this.events.read(events.items, at)) this.timeline.add(observation);
    } catch (error) {
      this.timeline.add({ kind: "note", at: this.clock.now(), text: `kind: could not read pods or events: ${errorMessage(error)}` });
    }
  }
}
