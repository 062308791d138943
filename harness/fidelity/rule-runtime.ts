/**
 * An image service whose answers are the sequence's pull rules, for the simulated kubelet: the
 * same runtime the oracle's gRPC fake is, with the texts the CRI client hands the kubelet (it
 * strips the `rpc error: code = Unknown desc = ` prefix and keeps every other code's).
 */
import { createHash } from "node:crypto";
import type { AuthConfig, ImageRecord, ImageService } from "../node/sim/cri.js";
import { PullError } from "../node/sim/cri.js";
import type { OracleCriCall, PullRule, RuntimeImage } from "./oracle-json.js";

const DEFAULT_AUTH_ERROR = (image: string) => ({
  code: "Unknown",
  message: `failed to pull and unpack image "${image}": failed to resolve reference "${image}": pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials`,
});

export class RuleRuntime implements ImageService {
  readonly log: OracleCriCall[] = [];
  private readonly images = new Map<string, { ref: string; size: number }>();
  private readonly rules = new Map<string, PullRule>();
  private readonly held = new Map<string, { promise: Promise<void>; release: () => void; abandon: () => void }>();

  constructor(images: RuntimeImage[], rules: PullRule[]) {
    for (const image of images) this.add(image);
    this.setRules(rules);
  }

  add(image: RuntimeImage): void {
    this.images.set(normalized(image.image), { ref: image.ref ?? refOf(image.image), size: image.size ?? 1000 });
  }

  /** Removes the image and every other name of it, as containerd's CRI RemoveImage does (the sim's image service too). */
  remove(image: string): boolean {
    const found = this.images.get(normalized(image));
    if (!found) return false;
    for (const [name, { ref }] of [...this.images]) if (ref === found.ref) this.images.delete(name);
    return true;
  }

  setRules(rules: PullRule[]): void {
    for (const rule of rules) this.rules.set(normalized(rule.image), rule);
  }

  async imageStatus(image: string): Promise<ImageRecord | null> {
    const found = this.images.get(normalized(image));
    this.log.push({ method: "ImageStatus", image, ref: found ? found.ref : "absent" });
    return found ? { id: found.ref, repoTags: [image], repoDigests: [], size: found.size } : null;
  }

  /** A held pull is logged when it ends; the rule it follows is the one in force by then. */
  async pullImage(image: string, auth: AuthConfig | undefined): Promise<string> {
    // A pull is a gRPC round trip to the runtime: the caller of the pull before it has recorded
    // its events by the time it is answered (the kubelet's goroutines race here; this is the
    // order they take in the oracle).
    await new Promise((resolve) => setImmediate(resolve));
    const name = normalized(image);
    if (this.rules.get(name)?.hold) {
      await this.hold(name);
      // Pulls released together are answered one at a time (the runtime's lock, then the RPC).
      await new Promise((resolve) => setImmediate(resolve));
    }
    const rule = this.rules.get(name);
    const call: OracleCriCall = { method: "PullImage", image, ...(auth ? { auth: { username: auth.username, password: auth.password } } : {}) };
    this.log.push(call);
    const refuse = (error: { code: string; message: string }): never => {
      const text = error.code === "Unknown" ? error.message : `rpc error: code = ${error.code} desc = ${error.message}`;
      call.error = `${error.code}: ${error.message}`;
      throw new PullError(text, "unreachable");
    };
    if (!rule) refuse({ code: "NotFound", message: `failed to pull and unpack image "${name}": failed to resolve reference "${name}": ${name}: not found` });
    if (rule!.auth?.length) {
      if (!rule!.auth.some((a) => a.username === auth?.username && a.password === auth?.password)) refuse(rule!.authError ?? DEFAULT_AUTH_ERROR(name));
    } else if (rule!.error) refuse(rule!.error);
    const ref = rule!.ref ?? refOf(image);
    this.images.set(name, { ref, size: rule!.size ?? 1000 });
    call.ref = ref;
    return ref;
  }

  /** Held pulls of `image` go on, and later ones no longer hold. */
  release(image: string): void {
    const name = normalized(image);
    this.held.get(name)?.release();
    this.held.delete(name);
    const rule = this.rules.get(name);
    if (rule?.hold) this.rules.set(name, { ...rule, hold: false });
  }

  /** The held pulls of a kubelet that stopped: never answered (they reject, for its promises to end). */
  abandonHeld(): void {
    for (const held of this.held.values()) held.abandon();
    this.held.clear();
  }

  private hold(name: string): Promise<void> {
    let held = this.held.get(name);
    if (!held) {
      let release = () => {};
      let abandon = () => {};
      const promise = new Promise<void>((resolve, reject) => {
        release = resolve;
        abandon = () => reject(new Error("the kubelet that asked for this pull stopped"));
      });
      this.held.set(name, (held = { promise, release, abandon }));
    }
    return held.promise;
  }

  async resolveDigest(): Promise<string> {
    throw new Error("the oracle's runtime resolves no digests: proposed policies are not part of the kubelet");
  }

  async listImages(): Promise<ImageRecord[]> {
    this.log.push({ method: "ListImages" });
    return [...this.images].map(([image, { ref, size }]) => ({ id: ref, repoTags: [image], repoDigests: [], size }));
  }

  async removeImage(image: string): Promise<void> {
    this.remove(image);
  }
}

/** The ref the oracle's runtime gives an image it was told nothing about: the sha256 of its containerd name (oracle/runtime_fake.go). */
function refOf(image: string): string {
  return `sha256:${createHash("sha256").update(normalized(image)).digest("hex")}`;
}

/** One image under one name, as containerd names it: `app` is `docker.io/library/app:latest`, `host/app` is `host/app:latest`. */
function normalized(image: string): string {
  const slash = image.indexOf("/");
  const first = slash < 0 ? "" : image.slice(0, slash);
  const qualified = slash < 0 ? `docker.io/library/${image}` : /[.:]/.test(first) || first === "localhost" ? image : `docker.io/${image}`;
  const last = qualified.slice(qualified.lastIndexOf("/") + 1);
  return last.includes(":") || last.includes("@") ? qualified : `${qualified}:latest`;
}
