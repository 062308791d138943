/**
 * The kind backend's own logic, without a cluster: the cluster config and the containerd hosts
 * file it renders, the objects it sends to the API server, and how it reads statuses and Events.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { CoreV1Event, V1Pod } from "@kubernetes/client-node";
import { renderClusterConfig, renderHostsToml } from "../../../harness/node/kind/kind-config.js";
import { kind } from "../../../harness/run/backends/kind.js";
import { loadCatalogue } from "../../../harness/run/catalogue.js";
import { defaultRunConfig } from "../../../harness/run/run-config.js";
import { EventReader, podManifest, pullSecretManifest, registryImageIds, statusObservation } from "../../../harness/node/kind/kind-objects.js";

describe("kind config", () => {
  it("should point the node's containerd at a certs.d folder of the run, with the chosen node image", () => {
    const text = renderClusterConfig({
      clusterName: "pullcheck-42",
      nodeImage: "example.test/kubelet-fork:v1.35.0-kep5497",
      workers: 0,
      certsDirOf: (node) => `/tmp/run/certs.d/${node}`,
    });
    const config = parse(text);
    expect(config).toMatchObject({ kind: "Cluster", apiVersion: "kind.x-k8s.io/v1alpha4", name: "pullcheck-42" });
    expect(config.nodes).toEqual([
      {
        role: "control-plane",
        image: "example.test/kubelet-fork:v1.35.0-kep5497",
        extraMounts: [{ hostPath: "/tmp/run/certs.d/pullcheck-42-control-plane", containerPath: "/etc/containerd/certs.d", readOnly: true }],
      },
    ]);
    expect(config.containerdConfigPatches[0]).toContain('[plugins."io.containerd.grpc.v1.cri".registry]');
    expect(config.containerdConfigPatches[0]).toContain('config_path = "/etc/containerd/certs.d"');
    const v3 = renderClusterConfig({ clusterName: "c", nodeImage: "i", workers: 0, certsDirOf: () => "/d", containerdConfigTable: "v3" });
    expect(v3).toContain('[plugins."io.containerd.cri.v1.images".registry]');
  });

  it("should give each worker node a certs.d folder of its own, so each points at its own environment", () => {
    const config = parse(renderClusterConfig({ clusterName: "c", nodeImage: "i", workers: 3, certsDirOf: (node) => `/run/${node}` })) as {
      nodes: { role: string; extraMounts: { hostPath: string }[] }[];
    };
    expect(config.nodes.map((n) => `${n.role} ${n.extraMounts[0]!.hostPath}`)).toEqual([
      "control-plane /run/c-control-plane",
      "worker /run/c-worker",
      "worker /run/c-worker2",
      "worker /run/c-worker3",
    ]);
  });

  it("should refuse a registry endpoint that is not host:port", () => {
    expect(() => renderHostsToml('a"b:1')).toThrow(/host:port/);
  });

  it("should make the run's Toxiproxy the registry host's only server, over plain HTTP", () => {
    const text = renderHostsToml("pullcheck-toxiproxy-ab12:8666");
    const settings = text.split("\n").filter((line) => line.trim() && !line.startsWith("#"));
    // No [host."…"] mirror: containerd would fall back to `server` after it, and a fallback to the
    // unresolvable registry name would turn a 404 into a DNS error.
    expect(settings).toEqual(['server = "http://pullcheck-toxiproxy-ab12:8666"', "[host]"]);
  });
});

describe("kind objects", () => {
  it("should leave imagePullPolicy out when the scenario leaves it to the API server's defaulting", () => {
    const pod = podManifest({ name: "probe", image: "registry.pullcheck.test/app", imagePullPolicy: undefined }, "ns1");
    expect(pod.spec!.containers[0]).toEqual({ name: "app", image: "registry.pullcheck.test/app" });
    expect(pod.metadata).toMatchObject({ name: "probe", namespace: "ns1" });
    const withPolicy = podManifest({
      name: "p",
      image: "registry.pullcheck.test/app:v1",
      imagePullPolicy: "Always",
      pullSecret: { name: "alice-secret", username: "alice", password: "pw" },
    });
    expect(withPolicy.spec!.containers[0]!.imagePullPolicy).toBe("Always");
    expect(withPolicy.spec!.imagePullSecrets).toEqual([{ name: "alice-secret" }]);
  });

  it("should write the pod's credentials as a dockerconfigjson secret for the registry host", () => {
    const secret = pullSecretManifest({ name: "alice-secret", username: "alice", password: "s3cret" }, "ns1");
    expect(secret.type).toBe("kubernetes.io/dockerconfigjson");
    const config = JSON.parse(Buffer.from(secret.data![".dockerconfigjson"]!, "base64").toString());
    expect(config.auths["registry.pullcheck.test"]).toEqual({ username: "alice", password: "s3cret", auth: Buffer.from("alice:s3cret").toString("base64") });
  });

  it("should read a container status as the same state the simulation reports", () => {
    const waiting: V1Pod = {
      metadata: { name: "probe" },
      status: {
        containerStatuses: [
          {
            name: "app",
            image: "x",
            imageID: "",
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: "ImagePullBackOff", message: 'Back-off pulling image "x"' } },
          },
        ],
      },
    };
    expect(statusObservation(waiting, 5)).toEqual({
      kind: "status",
      at: 5,
      pod: "probe",
      state: { phase: "waiting", reason: "ImagePullBackOff", message: 'Back-off pulling image "x"' },
    });
    const running: V1Pod = {
      metadata: { name: "probe" },
      status: {
        containerStatuses: [
          {
            name: "app",
            image: "x",
            imageID: "registry.pullcheck.test/app@sha256:ab",
            ready: true,
            restartCount: 0,
            state: { running: { startedAt: new Date(0) } },
          },
        ],
      },
    };
    expect(statusObservation(running, 6)?.state).toEqual({ phase: "running", reason: "", message: "", imageID: "registry.pullcheck.test/app@sha256:ab" });
    expect(statusObservation({ metadata: { name: "probe" }, status: {} }, 7)).toBeUndefined();
  });

  it("should pick the registry's images out of everything the node lists, kind's own images left alone", () => {
    const listed = JSON.stringify({
      images: [
        { id: "sha256:pause", repoTags: ["registry.k8s.io/pause:3.10"], repoDigests: [], size: "320368", pinned: true },
        { id: "sha256:app1", repoTags: ["registry.pullcheck.test/app:v1"], repoDigests: ["registry.pullcheck.test/app@sha256:aa"], size: "1" },
        { id: "sha256:bydigest", repoTags: [], repoDigests: ["registry.pullcheck.test/app@sha256:bb"], size: "1" },
        { id: "sha256:lookalike", repoTags: ["registry.pullcheck.test.example/app:v1"], repoDigests: null, size: "1" },
        { id: "sha256:kindnet", repoTags: ["docker.io/kindest/kindnetd:v20250512"], size: "1" },
      ],
    });
    expect(registryImageIds(listed)).toEqual(["sha256:app1", "sha256:bydigest"]);
    expect(registryImageIds("{}")).toEqual([]);
  });

  it("should turn Event counts into occurrences, each once, in the order they happened", () => {
    const event = (uid: string, reason: string, count: number, last: string): CoreV1Event => ({
      metadata: { uid },
      involvedObject: { kind: "Pod", name: "probe" },
      reason,
      message: reason,
      type: reason === "Failed" ? "Warning" : "Normal",
      count,
      lastTimestamp: new Date(last),
    });
    const reader = new EventReader();
    const first = reader.read([event("b", "Failed", 1, "2026-01-01T00:00:02Z"), event("a", "Pulling", 1, "2026-01-01T00:00:01Z")], 10);
    expect(first.map((e) => e.reason)).toEqual(["Pulling", "Failed"]);
    const second = reader.read([event("a", "Pulling", 3, "2026-01-01T00:00:30Z"), event("b", "Failed", 1, "2026-01-01T00:00:02Z")], 20);
    expect(second.map((e) => `${e.reason}@${e.at}`)).toEqual(["Pulling@20", "Pulling@20"]);
    expect(reader.read([{ metadata: {}, involvedObject: { kind: "Node", name: "n" }, reason: "Starting" }], 30)).toEqual([]);
  });
});

describe("kind backend: what it cannot run", () => {
  const plan = loadCatalogue({ ...defaultRunConfig(), backends: ["kind"], policies: ["Always", "IfNewerNotPresent"] }).plan;
  const reason = (scenario: string, policy: string) =>
    kind.cannotRun(
      plan.find((t) => t.scenario.id === scenario && t.policy.name === policy)!,
      {
        ...defaultRunConfig(),
        kind: { nodeImage: "pullcheck/node:v1.35.4", clusterName: "c", supportedPolicies: [], workers: 1 },
      },
    );

  it("skips a scenario that waits hours of real time, and says so", () => {
    expect(reason("stale/older-than-max-age", "Always")).toBe(
      "it waits 4h of real time on kind (wait 2h, wait 2h), more than the 15m a kind test may; the simulation runs it on its virtual clock",
    );
  });

  it("runs the upstream policies and skips a proposed one the node image does not declare", () => {
    expect(reason("outage/cached-tag", "Always")).toBeUndefined();
    expect(reason("outage/cached-tag", "IfNewerNotPresent")).toMatch(
      /does not know imagePullPolicy IfNewerNotPresent .*dev\.pullcheck\.policies=IfNewerNotPresent/,
    );
  });
});

describe("kind backend: the real time a test takes at least", () => {
  const plan = loadCatalogue({ ...defaultRunConfig(), backends: ["kind"], policies: ["Always"] }).plan;
  const realTime = (scenario: string) => kind.realTimeMs!(plan.find((t) => t.scenario.id === scenario)!);

  it("counts wait steps and the stays of the test's own expectations, so the run can start the longest first", () => {
    expect(realTime("stale/within-max-age")).toBe(10 * 60_000);
    expect(realTime("outage/cached-private-pull-the-cable")).toBe(2 * 60_000);
    expect(realTime("auth/granted-credentials")).toBe(0);
  });
});
