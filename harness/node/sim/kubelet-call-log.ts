/**
 * What a simulated node's kubelet was asked and what its runtime answered, on the node's clock:
 * each EnsureImageExists with the pulls it made, image removals, pod deletions, kubelet restarts,
 * and the events that reached the API server. Enough to put the same questions to the kubelet's
 * own code (fidelity/catalogue-sequence.ts turns a log into an oracle sequence).
 */
import { writeFileSync } from "node:fs";
import type { NodeConfig } from "../../scenario/types.js";
import type { AuthConfig, ImageService } from "./cri.js";
import type { SimPod } from "./kubelet/kubelet.js";
import type { SyncResult } from "./pod-worker.js";

export interface LoggedPull {
  image: string;
  auth?: AuthConfig;
  at: number;
  /** When the runtime answered; absent when the kubelet that asked stopped first. */
  endedAt?: number;
  imageRef?: string;
  /** The pulled image's size, as ImageStatus gave it afterwards. */
  size?: number;
  /** The runtime's error text, as the kubelet received it. */
  error?: string;
}

export type LoggedCall =
  | {
      op: "ensureImage";
      at: number;
      /** When the pod's sync (EnsureImageExists, then starting the container or the "Error:" event) ended. */
      endedAt?: number;
      /** The kubelet stopped first: restarted, or ended with the test (such a call is left out of the file). */
      cutOff?: "restart" | "end";
      pod: { name: string; uid: string };
      image: string;
      /** As the pod spec has it (absent: the API server's default). */
      imagePullPolicy?: string;
      pullSecrets: Array<{ name: string; registry: string; username: string; password: string }>;
      pulls: LoggedPull[];
      outcome?: { imageID: string } | { error: string; message: string };
    }
  | { op: "removeImage"; at: number; image: string }
  | { op: "deletePod"; at: number; pod: string }
  | { op: "restartKubelet"; at: number };

export interface LoggedEvent {
  at: number;
  pod: string;
  type: string;
  reason: string;
  /** After the event correlator. */
  message: string;
  dropped?: boolean;
}

export interface KubeletCallLog {
  scenario: string;
  policy: string;
  kubeletVersion: string;
  kubeletConfig: NodeConfig;
  /** On the node before the first call (preloaded), with their image IDs. */
  images: Array<{ image: string; ref: string; size: number }>;
  calls: LoggedCall[];
  events: LoggedEvent[];
}

type EnsureCall = Extract<LoggedCall, { op: "ensureImage" }>;

export class KubeletCallLogger {
  readonly log: KubeletCallLog;
  private readonly inFlight = new Set<LoggedPull>();
  private readonly syncing = new Set<EnsureCall>();
  /** How many events were logged when each sync began. */
  private readonly eventsBefore = new Map<EnsureCall, number>();
  /** Each pod's imagePullPolicy as its spec has it (absent: the API server's default). */
  private readonly writtenPolicies = new Map<string, string | undefined>();

  constructor(
    header: Omit<KubeletCallLog, "images" | "calls" | "events">,
    private readonly now: () => number,
    /** Where write() puts the log. */
    private readonly file: string,
  ) {
    this.log = { ...header, images: [], calls: [], events: [] };
  }

  preloaded(image: string, ref: string, size: number): void {
    this.log.images.push({ image, ref, size });
  }

  createdPod(pod: string, imagePullPolicy: string | undefined): void {
    this.writtenPolicies.set(pod, imagePullPolicy);
  }

  /** One pod sync: `sync` gets the image service whose pulls are logged as this call's. */
  async sync(pod: SimPod, images: ImageService, sync: (images: ImageService) => Promise<SyncResult>): Promise<SyncResult> {
    const call: EnsureCall = {
      op: "ensureImage",
      at: this.now(),
      pod: { name: pod.name, uid: pod.uid },
      image: pod.image,
      ...(this.writtenPolicies.get(pod.name) ? { imagePullPolicy: this.writtenPolicies.get(pod.name) } : {}),
      pullSecrets: pod.pullSecrets.map(({ name, registry, username, password }) => ({ name, registry, username, password })),
      pulls: [],
    };
    this.log.calls.push(call);
    this.syncing.add(call);
    this.eventsBefore.set(call, this.log.events.length);
    const logged: ImageService = {
      ...images,
      pullImage: (image, auth, options) => this.pull(call, image, auth, () => images.pullImage(image, auth, options)),
      imageStatus: async (image) => {
        const record = await images.imageStatus(image);
        const pulled = call.pulls.find((p) => p.imageRef !== undefined && p.imageRef === record?.id && p.size === undefined);
        if (pulled) pulled.size = record!.size;
        return record;
      },
    };
    const result = await sync(logged);
    if (this.syncing.delete(call)) {
      call.endedAt = this.now();
      call.outcome = "error" in result ? { error: result.error.reason, message: result.error.message } : { imageID: result.imageID };
    }
    return result;
  }

  removedImage(image: string): void {
    this.log.calls.push({ op: "removeImage", at: this.now(), image });
  }

  deletedPod(pod: string): void {
    this.log.calls.push({ op: "deletePod", at: this.now(), pod });
  }

  restartedKubelet(): void {
    this.log.calls.push({ op: "restartKubelet", at: this.now() });
    this.kubeletStopped("restart");
  }

  /** The syncs and pulls the kubelet is in the midst of are never finished, as far as it knows. */
  kubeletStopped(why: "restart" | "end"): void {
    for (const call of this.syncing) call.cutOff = why;
    this.syncing.clear();
    this.inFlight.clear();
  }

  event(event: LoggedEvent): void {
    this.log.events.push(event);
  }

  /** The log without the syncs the test's end cut off, nor their pods' events from then on. */
  write(): void {
    const cut = this.log.calls.filter((c): c is EnsureCall => c.op === "ensureImage" && c.cutOff === "end");
    const cutFrom = new Map(cut.map((c) => [c.pod.name, this.eventsBefore.get(c)!]));
    const log = {
      ...this.log,
      calls: this.log.calls.filter((c) => !cut.includes(c as EnsureCall)),
      events: this.log.events.filter((e, i) => i < (cutFrom.get(e.pod) ?? Infinity)),
    };
    writeFileSync(this.file, `${JSON.stringify(log, null, 1)}\n`);
  }

  private async pull(call: EnsureCall, image: string, auth: AuthConfig | undefined, pull: () => Promise<string>): Promise<string> {
    const logged: LoggedPull = { image, ...(auth ? { auth: { username: auth.username, password: auth.password } } : {}), at: this.now() };
    call.pulls.push(logged);
    this.inFlight.add(logged);
    const answered = () => {
      if (!this.inFlight.delete(logged)) return false;
      logged.endedAt = this.now();
      return true;
    };
    try {
      const ref = await pull();
      if (answered()) logged.imageRef = ref;
      return ref;
    } catch (error) {
      if (answered()) logged.error = (error as Error).message;
      throw error;
    }
  }
}
