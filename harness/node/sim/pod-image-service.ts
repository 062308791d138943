import { podRequester } from "../../support/requester.js";
import type { AuthConfig, ImageService } from "./cri.js";
import type { SimPod } from "./kubelet/kubelet.js";

/** The image service as one pod's sync sees it: its pulls report progress and can be cancelled. */
export function withProgress(images: ImageService, pod: SimPod, signal: AbortSignal, onProgress: () => void): ImageService {
  const requester = podRequester(pod.namespace, pod.name);
  return {
    imageStatus: (image) => images.imageStatus(image),
    listImages: () => images.listImages(),
    removeImage: (image) => images.removeImage(image),
    pullImage: (image: string, auth: AuthConfig | undefined, options = {}) =>
      images.pullImage(image, auth, { ...options, signal: options.signal ?? signal, onProgress: chain(options.onProgress, onProgress), requester }),
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
