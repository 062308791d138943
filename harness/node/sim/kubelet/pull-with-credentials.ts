/**
 * The runtime pull with the pod's credentials (pkg/kubelet/kuberuntime/kuberuntime_image.go,
 * PullImage). With one credential or none the runtime's own error comes back unchanged, so a
 * candidate's hook can still read its failure class.
 */
import type { AuthConfig, ImageService } from "../cri.js";
import type { SecretCoordinates } from "./pull-records.js";

export interface PodCredentials {
  auth: AuthConfig;
  secret: SecretCoordinates;
}

/** No credentials: one anonymous pull. Otherwise each in order; the first success wins (kuberuntime_image.go). */
export async function pullWithCredentials(
  images: ImageService,
  image: string,
  credentials: PodCredentials[],
): Promise<{ imageRef: string; used: PodCredentials | undefined }> {
  if (credentials.length === 0) return { imageRef: await images.pullImage(image, undefined), used: undefined };
  const errors: unknown[] = [];
  for (const credential of credentials) {
    try {
      return { imageRef: await images.pullImage(image, credential.auth), used: credential };
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  // utilerrors.NewAggregate's text: equal messages once, in brackets only when they differ.
  const messages = [...new Set(errors.map((e) => (e instanceof Error ? e.message : String(e))))];
  if (messages.length === 1) throw errors[0];
  throw new Error(`[${messages.join(", ")}]`);
}
