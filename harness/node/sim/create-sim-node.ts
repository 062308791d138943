/**
 * A simulated node for one test: its image store (with the scenario's preloaded images), and,
 * when asked, the log of its kubelet's calls.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { preloadedImages } from "../../scenario/scenario.js";
import { REGISTRY_HOST } from "../../scenario/image-names.js";
import { CriImageService } from "./image-service/cri-image-service.js";
import { preloadImage } from "./image-service/preload-image.js";
import { KubeletCallLogger } from "./kubelet-call-log.js";
import { DEFAULT_KUBELET_VERSION } from "./kubelet/kubelet-version.js";
import { SimNode, type SimNodeOptions } from "./sim-node.js";

export async function createSimNode(options: SimNodeOptions): Promise<SimNode> {
  mkdirSync(options.nodeDir, { recursive: true });
  const images = new CriImageService({
    nodeName: options.nodeName,
    storeDir: join(options.nodeDir, "containerd"),
    hosts: { [REGISTRY_HOST]: options.endpoint },
    clock: options.clock,
    agent: options.registryAgent,
    onCredentialsSent: ({ user, registry, tokenServer, requester }) =>
      options.timeline.add({
        kind: "note",
        at: options.clock.now(),
        text: `${requester ?? options.nodeName}: the password of user "${user}" went to the token server ${tokenServer}, which the challenge of registry ${registry} named (another host; containerd sends it there too)`,
      }),
  });
  const preloaded = preloadedImages(options.scenario);
  for (const { reference, variant } of preloaded) await preloadImage(images, reference, options.fixture(variant));
  const { scenario, kubeletVersion = DEFAULT_KUBELET_VERSION, kubeletCalls } = options;
  if (!kubeletCalls) return new SimNode(options, images);
  const header = { scenario: scenario.id, policy: kubeletCalls.policy, kubeletVersion, kubeletConfig: scenario.node.config };
  const calls = new KubeletCallLogger(header, () => options.clock.now(), kubeletCalls.file);
  for (const { reference } of preloaded) {
    const record = (await images.imageStatus(reference))!;
    calls.preloaded(reference, record.id, record.size);
  }
  return new SimNode(options, images, calls);
}
