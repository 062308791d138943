/**
 * Which pull secrets the kubelet uses for an image, and in which order (credentialprovider's
 * BasicDockerKeyring: reverse-sorted keys, host labels as globs, the same port, a path prefix).
 */
import { describe, expect, it } from "vitest";
import { secretsForImage } from "../../../harness/node/sim/kubelet/pod-keyring.js";

const secret = (name: string, registry: string) => ({ name, registry });
const names = (image: string, secrets: { name: string; registry: string }[]) => secretsForImage(image, secrets).map((s) => s.name);

describe("secretsForImage", () => {
  it("should use only secrets for the image's registry", () => {
    const secrets = [secret("other", "other.registry.test"), secret("ours", "registry.pullcheck.test")];
    expect(names("registry.pullcheck.test/app:v1", secrets)).toEqual(["ours"]);
    expect(names("other.registry.test/app", secrets)).toEqual(["other"]);
    expect(names("third.test/app", secrets)).toEqual([]);
  });

  it("should try the more specific path first, then the secrets of one key in the pod's order", () => {
    const secrets = [
      secret("host-1", "registry.pullcheck.test"),
      secret("repo", "https://registry.pullcheck.test/private"),
      secret("host-2", "registry.pullcheck.test/v2/"),
    ];
    expect(names("registry.pullcheck.test/private:latest", secrets)).toEqual(["repo", "host-1", "host-2"]);
    expect(names("registry.pullcheck.test/app:latest", secrets)).toEqual(["host-1", "host-2"]);
  });

  it("should match host labels as globs, and ports exactly", () => {
    expect(names("registry.pullcheck.test/app", [secret("wild", "*.pullcheck.test")])).toEqual(["wild"]);
    expect(names("pullcheck.test/app", [secret("wild", "*.pullcheck.test")])).toEqual([]);
    expect(names("registry.pullcheck.test:5000/app", [secret("no-port", "registry.pullcheck.test"), secret("port", "registry.pullcheck.test:5000")])).toEqual([
      "port",
    ]);
  });

  it("should give Docker Hub images the index.docker.io credentials", () => {
    const hub = [secret("hub", "https://index.docker.io/v1/")];
    expect(names("nginx", hub)).toEqual(["hub"]);
    expect(names("docker.io/library/nginx:1.0", [secret("docker-io", "docker.io")])).toEqual(["docker-io"]);
    expect(names("registry.pullcheck.test/app", hub)).toEqual([]);
  });
});
