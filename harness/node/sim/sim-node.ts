/**
 * The simulated node: a CRI image service over the real registry (through Toxiproxy and the
 * gate), the kubelet's image manager (upstream policies, and proposed ones through their policy
 * hooks), and one pod worker per pod. Everything it sees goes onto the run's timeline.
 */
import type http from "node:http";
import { join } from "node:path";
import type { Activity, Clock } from "../../support/clock.js";
import { errorMessage } from "../../support/errors.js";
import type { Timeline } from "../../observe/timeline.js";
import type { PolicyDefinition } from "../../policy/policy-definition.js";
import type { FixtureImage } from "../../fixture-images/types.js";
import type { Scenario } from "../../scenario/scenario.js";
import { type NodeUnderTest } from "../node-under-test.js";
import { type PodRequest } from "../../scenario/steps/index.js";
import { REGISTRY_HOST } from "../../scenario/image-names.js";
import { withProgress } from "./pod-image-service.js";
import type { CriImageService } from "./image-service/cri-image-service.js";
import { createKubelet, defaultPullPolicy, type Kubelet, type RecordedEvent, type SimPod } from "./kubelet/kubelet.js";
import { PodWorker, type SyncResult } from "./pod-worker.js";
import { candidatePolicyHook } from "./kubelet/candidate-policy-hook.js";
import type { PullPolicyHook } from "./kubelet/pull-policy-hook.js";
import { containerImageId } from "./container-image-id.js";
import { VerificationLog } from "./verification-log.js";
import type { KubeletCallLogger } from "./kubelet-call-log.js";
import type { ImageService } from "./cri.js";
import { containerStatus } from "./kubernetes-objects.js";
import { ApiServerEvents } from "./api-server-events.js";
import { stateOf } from "../../observe/container-state-of.js";
import type { CoreV1Event, V1ContainerStatus } from "@kubernetes/client-node";
import type { ContainerState } from "../../observe/observation.js";
import { DEFAULT_KUBELET_VERSION, type KubeletVersion } from "./kubelet/kubelet-version.js";

export interface SimNodeOptions {
  clock: Clock;
  timeline: Timeline;
  scenario: Scenario;
  policies: Map<string, PolicyDefinition>;
  nodeName: string;
  nodeDir: string;
  /** Where the registry host resolves to: the environment's Toxiproxy listener. */
  endpoint: string;
  /** The registry connections' pool, when nodes share one (a fleet); default the node's own. */
  registryAgent?: http.Agent;
  fixture: (variant: string) => FixtureImage;
  /** Which kubelet release to reproduce (default 1.35). */
  kubeletVersion?: KubeletVersion;
  /**
   * Resolves once the registry's access log holds every request answered so far. A gate in a
   * container reports over a stream; waiting here keeps a container start from reaching the
   * timeline before the requests that led to it (invariant S1 reads that order).
   */
  requestLogCaughtUp?: () => Promise<void>;
  /** Log the kubelet's calls (node/sim/kubelet-call-log.ts) of this test, under this policy, to this file when the node closes. */
  kubeletCalls?: { file: string; policy: string };
}

interface PodEntry {
  pod: SimPod;
  policy: string;
  worker: PodWorker;
}

export class SimNode implements NodeUnderTest {
  readonly backend = "sim";
  readonly clock: Clock;
  private kubelet: Kubelet;
  private readonly pods = new Map<string, PodEntry>();
  /** Workers of deleted pods whose sync in flight has not ended yet. */
  private readonly deleted = new Set<PodWorker>();
  private readonly verification: VerificationLog;
  private readonly policyHooks = new Map<string, PullPolicyHook>();
  private readonly apiEvents: ApiServerEvents;
  private readonly statuses = new Map<string, V1ContainerStatus>();
  /** Whether the content a container was started from verified at that moment (pod/imageID → ok). */
  private readonly startedVerified = new Map<string, boolean>();
  private podCount = 0;

  constructor(
    private readonly options: SimNodeOptions,
    private readonly images: CriImageService,
    private readonly calls?: KubeletCallLogger,
  ) {
    this.clock = options.clock;
    this.apiEvents = new ApiServerEvents(options.nodeName);
    this.verification = new VerificationLog(join(options.nodeDir, "pullcheck-verified.json"));
    for (const policy of options.policies.values()) {
      if (policy.kind === "proposed") this.policyHooks.set(policy.name, candidatePolicyHook(policy, this.verification, this.clock));
    }
    this.kubelet = this.startKubelet();
  }

  async createPod(request: PodRequest): Promise<void> {
    this.podCount++;
    const pod: SimPod = {
      name: request.name,
      namespace: "default",
      uid: `${request.name}-uid-${this.podCount}`,
      containerName: "app",
      image: request.image,
      pullSecrets: request.pullSecret ? [{ ...request.pullSecret, uid: `${request.pullSecret.name}-uid`, namespace: "default", registry: REGISTRY_HOST }] : [],
    };
    const policy = request.imagePullPolicy ?? defaultPullPolicy(request.image);
    this.calls?.createdPod(pod.name, request.imagePullPolicy);
    const worker = this.newWorker(pod, policy);
    this.pods.set(pod.name, { pod, policy, worker });
    worker.start(); // after the pod is known: its first sync emits events at once
  }

  /** The pod goes at once; a pull its sync has started goes on (PodWorker.release). */
  async deletePod(name: string): Promise<void> {
    const entry = this.pods.get(name);
    if (!entry) return;
    this.calls?.deletedPod(name);
    this.pods.delete(name);
    this.deleted.add(entry.worker);
    void entry.worker.release().finally(() => this.deleted.delete(entry.worker));
  }

  async removeImage(image: string): Promise<void> {
    this.calls?.removedImage(image);
    await this.images.removeImage(image);
  }

  async restartKubelet(): Promise<void> {
    this.calls?.restartedKubelet();
    this.kubelet.stop();
    await this.stopDeleted();
    for (const entry of this.pods.values()) await entry.worker.stop();
    this.kubelet = this.startKubelet();
    for (const [name, entry] of this.pods) {
      const worker = this.newWorker(entry.pod, entry.policy, entry.worker.current);
      this.pods.set(name, { ...entry, worker });
      worker.start();
    }
  }

  /** A pod worker for `pod`; after a kubelet restart it begins from the container's last state. */
  private newWorker(pod: SimPod, policy: string, initial?: ContainerState): PodWorker {
    return new PodWorker(
      this.clock,
      {
        syncOnce: (signal, activity) => this.sync(pod, policy, signal, activity),
        onState: (state) => this.report(pod, state),
        onCrash: (error) => this.options.timeline.add({ kind: "note", at: this.clock.now(), text: `pod/${pod.name} sync crashed: ${errorMessage(error)}` }),
      },
      undefined,
      initial,
    );
  }

  /** Every Event this node's kubelets recorded, as the API server would hold them. */
  get events(): CoreV1Event[] {
    return this.apiEvents.all;
  }

  contentVerified(pod: string, imageID: string): boolean | undefined {
    return this.startedVerified.get(`${pod}/${imageID}`);
  }

  async close(): Promise<void> {
    this.calls?.kubeletStopped("end");
    this.kubelet.stop();
    await this.stopDeleted();
    for (const entry of this.pods.values()) await entry.worker.stop();
    this.pods.clear();
    this.calls?.write();
  }

  /** A kubelet that stops ends the syncs of deleted pods too. */
  private async stopDeleted(): Promise<void> {
    await Promise.all([...this.deleted].map((worker) => worker.stop()));
    this.deleted.clear();
  }

  /** The pod's container status as the kubelet would write it into the pod's status. */
  containerStatus(pod: string): V1ContainerStatus | undefined {
    return this.statuses.get(pod);
  }

  private report(pod: SimPod, state: ContainerState): void {
    const status = containerStatus(pod, state, this.clock.now());
    this.statuses.set(pod.name, status);
    this.options.timeline.add({ kind: "status", at: this.clock.now(), pod: pod.name, state: stateOf(status) });
  }

  private startKubelet(): Kubelet {
    this.apiEvents.newKubelet();
    return createKubelet({
      clock: this.clock,
      images: this.images,
      config: this.options.scenario.node.config,
      rootDir: join(this.options.nodeDir, "kubelet"),
      version: this.options.kubeletVersion ?? DEFAULT_KUBELET_VERSION,
      policyHooks: this.policyHooks,
      onEvent: (pod, event) => this.recordEvent(pod, event),
    });
  }

  /** An event as the correlator lets it reach the API server; one the spam filter dropped is a note. */
  private recordEvent(pod: SimPod, event: RecordedEvent): void {
    const { type, reason, message, correlated } = event;
    const at = this.clock.now();
    this.calls?.event({ at, pod: pod.name, type, reason, ...(correlated.dropped ? { message, dropped: true } : { message: correlated.message }) });
    const text = `kubelet: event ${type} ${reason} about ${pod.name} dropped by the event spam filter: ${message}`;
    if (correlated.dropped) return this.options.timeline.add({ kind: "note", at, text });
    const added = this.apiEvents.record(pod, event, at);
    for (let i = 0; i < added; i++) this.options.timeline.add({ kind: "event", at, pod: pod.name, type, reason, message: correlated.message });
  }

  private async sync(pod: SimPod, policyName: string, signal: AbortSignal, activity: Activity): Promise<SyncResult> {
    const images = withProgress(this.images, pod, signal, activity);
    if (!this.calls) return await this.syncWith(pod, policyName, images, activity);
    return await this.calls.sync(pod, images, (logged) => this.syncWith(pod, policyName, logged, activity));
  }

  private async syncWith(pod: SimPod, policyName: string, images: ImageService, activity: Activity): Promise<SyncResult> {
    const defaulted = this.kubelet.applyDefaultImageTag(pod);
    const ensured = "error" in defaulted ? defaulted : await this.kubelet.ensureImageExists(pod, policyName, images);
    const image = "error" in defaulted ? pod.image : defaulted.image;
    let result: SyncResult;
    if ("error" in ensured) result = ensured;
    else if (this.policyHooks.has(policyName)) {
      // A candidate's hook keeps the verification log itself (a pull or an unchanged digest only).
      result = { imageID: ensured.record ? containerImageId(ensured.record, image) : ensured.imageRef };
    } else {
      const record = await images.imageStatus(image);
      if (record) this.verification.confirmed(image, this.clock.now());
      result = { imageID: record ? containerImageId(record, image) : ensured.imageRef };
    }
    await this.options.requestLogCaughtUp?.();
    // startContainer: after EnsureImageExists fails, a second Warning event "Error: <reason>"
    // (pkg/kubelet/kuberuntime/kuberuntime_container.go).
    if ("error" in result) this.kubelet.event(pod, "Warning", "Failed", `Error: ${result.error.reason}`);
    else {
      const digest = result.imageID.slice(result.imageID.indexOf("@") + 1);
      this.startedVerified.set(`${pod.name}/${result.imageID}`, await activity.whileLocal(() => this.images.store.verifiesTree(digest)));
    }
    return result;
  }
}
