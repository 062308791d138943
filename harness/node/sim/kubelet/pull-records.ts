/**
 * KEP-2535 "Ensure Secret Pulled Images": pull intents and pulled records on disk, and
 * MustAttemptImagePull (pkg/kubelet/images/pullmanager/image_pull_manager.go): whether a pod
 * may use an image already on the node without a pull, given the credentials it presents.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { nameAsWritten, parseReference } from "./pod-image-defaults.js";
import type { ImageRecord } from "../cri.js";
import { fileName, read, rfc3339, write } from "./pull-record-files.js";

export type VerificationPolicy = "NeverVerify" | "NeverVerifyPreloadedImages" | "NeverVerifyAllowlistedImages" | "AlwaysVerify";

export interface SecretCoordinates {
  uid: string;
  namespace: string;
  name: string;
  credentialHash: string;
}

interface Credentials {
  kubernetesSecrets?: SecretCoordinates[];
  nodePodsAccessible?: boolean;
}

interface PulledRecord {
  kind: "ImagePulledRecord";
  apiVersion: "kubelet.config.k8s.io/v1beta1";
  lastUpdatedTime: string;
  imageRef: string;
  credentialMapping: Record<string, Credentials>;
}

export class PullRecords {
  private readonly pulling: string;
  private readonly pulled: string;
  private readonly intents = new Map<string, number>();

  constructor(
    root: string,
    private readonly policy: VerificationPolicy,
    private readonly allowlist: string[],
    private readonly now: () => number,
    /** Kubelet 1.36+ names images as written, tag and digest cut (VersionBehaviour.imageNamesAsWritten). */
    private readonly namesAsWritten = false,
  ) {
    this.pulling = join(root, "image_manager", "pulling");
    this.pulled = join(root, "image_manager", "pulled");
    mkdirSync(this.pulling, { recursive: true, mode: 0o700 });
    mkdirSync(this.pulled, { recursive: true, mode: 0o700 });
  }

  recordPullIntent(image: string): void {
    this.intents.set(image, (this.intents.get(image) ?? 0) + 1);
    write(join(this.pulling, fileName(image)), { kind: "ImagePullIntent", apiVersion: "kubelet.config.k8s.io/v1beta1", image });
  }

  /** A successful pull; `secret` undefined means anonymous or node credentials: any pod may use it. */
  recordImagePulled(image: string, imageRef: string, secret: SecretCoordinates | undefined): void {
    const file = join(this.pulled, fileName(imageRef));
    const record = readPulled(file) ?? newRecord(imageRef, "");
    const key = this.key(image);
    const entry = record.credentialMapping[key] ?? {};
    if (!secret) record.credentialMapping[key] = { nodePodsAccessible: true };
    else if (!entry.nodePodsAccessible) record.credentialMapping[key] = { kubernetesSecrets: merge(entry.kubernetesSecrets ?? [], secret) };
    record.lastUpdatedTime = rfc3339(this.now());
    writePulled(file, record);
    this.dropIntent(image);
  }

  /**
   * PullManager.initialize, when a kubelet starts: a pull intent left by a kubelet that ended
   * mid-pull becomes a record without credentials if an image with exactly that name (a repo tag
   * or digest) is on the node — it counts as pulled by the kubelet, and every pod must verify —
   * and the intent goes; an intent with no such image stays. Never fails: the kubelet logs a
   * runtime that cannot list its images and goes on.
   */
  async convertLeftoverIntents(listImages: () => Promise<ImageRecord[]>): Promise<void> {
    const leftover = new Set(
      readdirSync(this.pulling)
        .filter((name) => !name.endsWith(".tmp"))
        .map((name) => read<{ image?: string }>(join(this.pulling, name))?.image)
        .filter((image): image is string => image !== undefined),
    );
    if (leftover.size === 0) return;
    const images = await listImages().catch((): ImageRecord[] => []);
    for (const image of images) {
      for (const name of [...image.repoDigests, ...image.repoTags]) {
        if (!leftover.has(name)) continue;
        const file = join(this.pulled, fileName(image.id));
        if (!existsSync(file)) writePulled(file, newRecord(image.id, rfc3339(this.now())));
        rmSync(join(this.pulling, fileName(name)), { force: true });
      }
    }
  }

  recordImagePullFailed(image: string): void {
    this.dropIntent(image);
  }

  /** MustAttemptImagePull, steps 1–10 of the reference (§4.4). */
  mustAttemptImagePull(image: string, imageRef: string, podSecrets: SecretCoordinates[]): boolean {
    if (!imageRef) return true;
    const file = join(this.pulled, fileName(imageRef));
    const record = readPulled(file);
    const pulledByKubelet = record !== undefined || (this.intents.get(image) ?? 0) > 0 || existsSync(join(this.pulling, fileName(image)));
    if (!this.requiresVerification(image, pulledByKubelet)) return false;
    if (!record) return true;
    const entry = record.credentialMapping[this.key(image)];
    if (!entry) return true;
    if (entry.nodePodsAccessible) return false;
    const cached = entry.kubernetesSecrets ?? [];
    const accepted = acceptedSecret(cached, podSecrets);
    if (!accepted) return true;
    if (accepted.writeBack) {
      record.credentialMapping[this.key(image)] = { kubernetesSecrets: merge(cached, accepted.secret) };
      writePulled(file, record);
    }
    return false;
  }

  /**
   * Whether the pulled record of this image vouches for this pod's own credentials (or says any
   * pod may use it), whatever the node's verification policy; undefined when the kubelet has no
   * record of pulling it (a preloaded image). What a candidate policy requires before it falls
   * back (requireVerifiedCredentials). Not a kubelet function; it reads the same records.
   */
  credentialsVerified(image: string, imageRef: string, podSecrets: SecretCoordinates[]): boolean | undefined {
    if (!imageRef) return undefined;
    const record = readPulled(join(this.pulled, fileName(imageRef)));
    if (!record) return undefined;
    const entry = record.credentialMapping[this.key(image)];
    if (!entry) return false;
    return entry.nodePodsAccessible === true || acceptedSecret(entry.kubernetesSecrets ?? [], podSecrets) !== undefined;
  }

  private requiresVerification(image: string, pulledByKubelet: boolean): boolean {
    switch (this.policy) {
      case "NeverVerify":
        return false;
      case "AlwaysVerify":
        return true;
      case "NeverVerifyPreloadedImages":
        return pulledByKubelet;
      case "NeverVerifyAllowlistedImages":
        return !this.allowlisted(image);
    }
  }

  /**
   * Kubelet 1.35 matches the image as the pod wrote it, tag or digest included: an exact pattern
   * `host/repo` never matches `host/repo:tag`, only a `host/repo/*` prefix pattern can
   * (pkg/kubelet/images/pullmanager/image_pull_policies.go, imageMatches; seen on a real 1.35.4
   * kubelet in kind too). 1.36+ cuts the tag and digest first, and matches the whole string
   * when it does not parse.
   */
  private allowlisted(image: string): boolean {
    const name = this.namesAsWritten ? (nameAsWritten(image) ?? image) : image;
    return this.allowlist.some((pattern) => (pattern.endsWith("/*") ? name.startsWith(pattern.slice(0, -1)) : name === pattern));
  }

  /** The credential mapping's key: the normalized name (1.35), or the name as written (1.36+). */
  private key(image: string): string {
    return this.namesAsWritten ? (nameAsWritten(image) ?? image) : repositoryKey(image);
  }

  private dropIntent(image: string): void {
    const count = (this.intents.get(image) ?? 1) - 1;
    if (count > 0) return void this.intents.set(image, count);
    this.intents.delete(image);
    rmSync(join(this.pulling, fileName(image)), { force: true });
  }
}

/**
 * The sha256 of Go's json.Marshal of the keyring's AuthConfig (credentialprovider/keyring.go,
 * hashAuthConfig): empty fields left out, and <, >, & escaped as Go's encoder escapes them.
 */
export function credentialHash(username: string, password: string): string {
  const json = JSON.stringify({ ...(username ? { username } : {}), ...(password ? { password } : {}) }).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return createHash("sha256").update(json).digest("hex");
}

/** The record's credential key: the image without tag or digest, normalized. */
function repositoryKey(image: string): string {
  try {
    return parseReference(image).repository;
  } catch {
    return image;
  }
}

const WRITE_RECORD_WHILE_MATCHING_LIMIT = 100; // image_pull_manager.go's writeRecordWhileMatchingLimit

/**
 * MustAttemptImagePull's search, each of the pod's secrets (in keyring order) against each cached
 * one: the same credential hash is accepted, and written back under the pod's coordinates when
 * they differ; the same coordinates with another hash (rotated credentials) are accepted and
 * written back — both only while the record holds fewer than 100 secrets, and the rotated ones
 * not at all beyond that.
 */
function acceptedSecret(cached: SecretCoordinates[], podSecrets: SecretCoordinates[]): { secret: SecretCoordinates; writeBack: boolean } | undefined {
  const roomToWrite = cached.length < WRITE_RECORD_WHILE_MATCHING_LIMIT;
  for (const secret of podSecrets) {
    for (const c of cached) {
      const hashesMatch = c.credentialHash !== "" && c.credentialHash === secret.credentialHash;
      const coordinatesMatch = c.uid === secret.uid && c.namespace === secret.namespace && c.name === secret.name;
      if (hashesMatch) return { secret, writeBack: !coordinatesMatch && roomToWrite };
      if (coordinatesMatch && roomToWrite) return { secret, writeBack: true };
    }
  }
  return undefined;
}

function merge(list: SecretCoordinates[], secret: SecretCoordinates): SecretCoordinates[] {
  const others = list.filter((s) => !(s.uid === secret.uid && s.namespace === secret.namespace && s.name === secret.name));
  // mergePullSecrets sorts by namespace, name and uid, comparing bytes.
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...others, secret].sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name) || compare(a.uid, b.uid));
}

function newRecord(imageRef: string, lastUpdatedTime: string): PulledRecord {
  return { kind: "ImagePulledRecord", apiVersion: "kubelet.config.k8s.io/v1beta1", lastUpdatedTime, imageRef, credentialMapping: {} };
}

function readPulled(file: string): PulledRecord | undefined {
  const record = read<PulledRecord>(file);
  return record && { ...record, credentialMapping: record.credentialMapping ?? {} };
}

/** An empty credential mapping is left out, as Go's encoder leaves it out (omitempty). */
function writePulled(file: string, { credentialMapping, ...rest }: PulledRecord): void {
  write(file, Object.keys(credentialMapping).length > 0 ? { ...rest, credentialMapping } : rest);
}
