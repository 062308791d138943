import type { Activity } from "../../support/clock.js";
import { podRequester } from "../../support/requester.js";
import type { AuthConfig, ImageService } from "./cri.js";
import type { SimPod } from "./kubelet/kubelet.js";

/** The image service as one pod's sync sees it: its pulls report progress and can be cancelled; its store is local work. */
export function withProgress(images: ImageService, pod: SimPod, signal: AbortSignal, activity: Activity): ImageService {
  const requester = podRequester(pod.namespace, pod.name);
  const onProgress = () => activity.progress();
  return {
    // The image store is on this machine: however long a busy disk takes, it is no network hang.
    imageStatus: (image) => activity.whileLocal(() => images.imageStatus(image)),
    listImages: () => activity.whileLocal(() => images.listImages()),
    removeImage: (image) => activity.whileLocal(() => images.removeImage(image)),
    pullImage: (image: string, auth: AuthConfig | undefined, options = {}) =>
      images.pullImage(image, auth, {
        ...options,
        signal: options.signal ?? signal,
        onProgress: chain(options.onProgress, onProgress),
        requester,
        whileLocal: (work) => activity.whileLocal(work),
      }),
    resolveDigest: (image: string, auth: AuthConfig | undefined, options = {}) =>
      images.resolveDigest(image, auth, { ...options, signal: options.signal ?? signal, onProgress: chain(options.onProgress, onProgress), requester }),
  };
}

function chain(first: (() => void) | undefined, second: () => void): () => void {
  return () => {
    first?.();
    second();
  };
}
