/** The container's imageID as containerd reports it: the repo digest of what it was started from. */
import type { ImageRecord } from "./cri.js";

export function containerImageId(record: ImageRecord, image: string): string {
  const repo = image.replace(/(@sha256:[0-9a-f]+)$/, "").replace(/:[^/:]+$/, "");
  return record.repoDigests.find((d) => d.startsWith(`${repo}@`)) ?? record.repoDigests[0] ?? record.id;
}
