/**
 * The kind backend's actions, without a cluster: the kind CLI is a script that records how it was
 * called, the API server is a small HTTP server that records requests and serves a pod's status
 * and Events, and the node commands (crictl, systemctl) are recorded instead of run.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KindCluster } from "../../../harness/node/kind/kind-cluster.js";
import { KindNode } from "../../../harness/node/kind/kind-node.js";
import { Timeline } from "../../../harness/observe/timeline.js";
import { freePort } from "../../../harness/support/free-port.js";

const dir = mkdtempSync(join(tmpdir(), "pullcheck-kind-node-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("kind cluster (a recording kind CLI)", () => {
  it("should create the cluster from the rendered config, point containerd at the run's Toxiproxy, and delete the cluster", async () => {
    const calls = join(dir, "kind-calls.log");
    const kind = join(dir, "kind");
    writeFileSync(kind, `#!/bin/sh\necho "$@" >> ${calls}\n[ "$1" = get ] && echo "apiVersion: v1"\nexit 0\n`);
    chmodSync(kind, 0o755);
    const docker = join(dir, "docker-cat");
    writeFileSync(docker, `#!/bin/sh\necho "kind: KubeletConfiguration"\n`);
    chmodSync(docker, 0o755);
    const cluster = new KindCluster({ kindBinary: kind, clusterName: "pullcheck-test", nodeImage: "my/node:kep", workDir: dir, dockerBinary: docker });
    await cluster.create();
    cluster.writeRegistryHost("pullcheck-test-control-plane", "pullcheck-toxiproxy-ab12:8666");
    await cluster.delete();
    const lines = readFileSync(calls, "utf8").trim().split("\n");
    expect(lines[0]).toBe(`create cluster --name pullcheck-test --config ${join(dir, "kind-cluster.yaml")} --wait 120s`);
    expect(lines[1]).toBe("get kubeconfig --name pullcheck-test");
    expect(lines.at(-1)).toBe("delete cluster --name pullcheck-test");
    expect(readFileSync(join(dir, "kind-cluster.yaml"), "utf8")).toContain("image: my/node:kep");
    expect(readFileSync(join(dir, "certs.d", "pullcheck-test-control-plane", "registry.pullcheck.test", "hosts.toml"), "utf8")).toContain(
      'server = "http://pullcheck-toxiproxy-ab12:8666"',
    );
    expect(cluster.testNodes).toEqual(["pullcheck-test-control-plane"]);
  });

  it("should give each test a kubelet with empty pull records, the scenario's kubelet settings and a node without the registry's images", async () => {
    const calls = join(dir, "docker-calls.log");
    const docker = join(dir, "docker");
    const listed = JSON.stringify({
      images: [
        { id: "sha256:pause", repoTags: ["registry.k8s.io/pause:3.10"], pinned: true },
        { id: "sha256:app1", repoTags: ["registry.pullcheck.test/app:v1"], repoDigests: ["registry.pullcheck.test/app@sha256:aa"] },
      ],
    });
    writeFileSync(join(dir, "images.json"), listed);
    writeFileSync(docker, `#!/bin/sh\necho "$@" >> ${calls}\ncase "$*" in *"crictl images -o json"*) cat ${join(dir, "images.json")};; esac\nexit 0\n`);
    chmodSync(docker, 0o755);
    writeFileSync(join(dir, "kind-noop"), "#!/bin/sh\nexit 0\n");
    chmodSync(join(dir, "kind-noop"), 0o755);
    const cluster = new KindCluster({ kindBinary: join(dir, "kind-noop"), clusterName: "pullcheck-reset", nodeImage: "i", workDir: dir, dockerBinary: docker });
    await cluster.resetNode(
      "pullcheck-reset-control-plane",
      [{ reference: "registry.pullcheck.test/app:v1", credentials: "alice:pw" }],
      { serializeImagePulls: false },
      [{ path: "/etc/kubernetes/pullcheck/policies.yaml", text: "name: Mine\n" }],
    );
    const inNode = readFileSync(calls, "utf8")
      .trim()
      .split("\n")
      .map((line) => line.replace("exec pullcheck-reset-control-plane ", ""));
    expect(inNode).toEqual([
      "systemctl stop kubelet",
      "rm -rf /var/lib/kubelet/image_manager /var/lib/kubelet/pullcheck",
      `sh -c mkdir -p "$(dirname /var/lib/kubelet/config.yaml)" && echo ${Buffer.from("serializeImagePulls: false\n").toString("base64")} | base64 -d > /var/lib/kubelet/config.yaml`,
      `sh -c mkdir -p "$(dirname /etc/kubernetes/pullcheck/policies.yaml)" && echo ${Buffer.from("name: Mine\n").toString("base64")} | base64 -d > /etc/kubernetes/pullcheck/policies.yaml`,
      "crictl images -o json",
      "crictl rmi sha256:app1",
      "crictl pull --creds alice:pw registry.pullcheck.test/app:v1",
      "systemctl start kubelet",
      "curl -sf http://127.0.0.1:10248/healthz",
    ]);
  });

  it("should say which node command failed, with its output", async () => {
    const docker = join(dir, "failing-docker");
    writeFileSync(docker, `#!/bin/sh\necho "crictl: image not known" >&2\nexit 1\n`);
    chmodSync(docker, 0o755);
    const cluster = new KindCluster({ kindBinary: join(dir, "kind-noop"), clusterName: "pullcheck-fail", nodeImage: "i", workDir: dir, dockerBinary: docker });
    await expect(cluster.exec("pullcheck-fail-control-plane", ["crictl", "rmi", "x"])).rejects.toThrow(
      /docker exec pullcheck-fail-control-plane crictl rmi x` exited with 1:\ncrictl: image not known\n {2}hint: in the kind node pullcheck-fail-control-plane/,
    );
  });

  it("should say how to install kind when the CLI is missing", () => {
    expect(() => new KindCluster({ kindBinary: join(dir, "no-kind"), clusterName: "c", nodeImage: "i", workDir: dir })).toThrow(/make setup-kind/);
  });
});

describe("kind node (a recording API server)", () => {
  let api: Server;
  const requests: string[] = [];
  let podState: object = { waiting: { reason: "ContainerCreating" } };
  let events: object[] = [];
  let podsLeft = 1;
  let apiUrl = "";

  beforeAll(async () => {
    api = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        requests.push(`${req.method} ${req.url?.split("?")[0]}${body ? ` ${body}` : ""}`);
        const json = (value: object) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(value));
        if (req.method === "GET" && req.url!.includes("/pods/"))
          return json({
            metadata: { name: "probe" },
            status: { containerStatuses: [{ name: "app", image: "x", imageID: "", ready: false, restartCount: 0, state: podState }] },
          });
        if (req.method === "GET" && req.url!.includes("/events")) return json({ items: events });
        if (req.method === "GET" && req.url!.split("?")[0]!.endsWith("/pods")) return json({ items: podsLeft-- > 0 ? [{ metadata: { name: "probe" } }] : [] });
        json(body ? JSON.parse(body) : {});
      });
    });
    const port = await freePort();
    await new Promise<void>((resolve) => api.listen(port, "127.0.0.1", resolve));
    apiUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => api?.close(() => resolve()));
  });

  it("should map steps to the API and to node commands, and put statuses and Events on the timeline", async () => {
    const kubeconfig = `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "${apiUrl}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`;
    const commands: string[][] = [];
    const cluster = { kubeconfig, exec: async (node: string, command: string[]) => (commands.push([node, ...command]), "") } as unknown as KindCluster;
    const timeline = new Timeline();
    const node = new KindNode(cluster, "pullcheck-w-worker2", "ns-1", timeline);
    await node.start();
    await node.createPod({
      name: "probe",
      image: "registry.pullcheck.test/app:latest",
      imagePullPolicy: "Always",
      pullSecret: { name: "alice-secret", username: "alice", password: "pw" },
    });
    await node.removeImage("registry.pullcheck.test/app:v1");
    await node.restartKubelet();
    expect(commands.map((c) => c[0])).toEqual(["pullcheck-w-worker2", "pullcheck-w-worker2"]);
    expect(commands.map((c) => c.slice(1))).toEqual([
      ["crictl", "rmi", "registry.pullcheck.test/app:v1"],
      ["systemctl", "restart", "kubelet"],
    ]);

    podState = { waiting: { reason: "ErrImagePull", message: "failed to pull" } };
    events = [
      { metadata: { uid: "e1" }, involvedObject: { kind: "Pod", name: "probe" }, type: "Warning", reason: "Failed", message: "failed to pull", count: 2 },
    ];
    await node.close();
    await node.deletePod("probe").catch(() => {});

    expect(requests[0]).toMatch(/^POST \/api\/v1\/namespaces \{.*"name":"ns-1"/);
    // The ServiceAccount admission plugin refuses pods until the namespace's default account exists.
    expect(requests[1]).toBe("GET /api/v1/namespaces/ns-1/serviceaccounts/default");
    expect(requests[2]).toMatch(/^POST \/api\/v1\/namespaces\/ns-1\/secrets .*"type":"kubernetes.io\/dockerconfigjson"/);
    expect(requests[3]).toMatch(
      /^POST \/api\/v1\/namespaces\/ns-1\/pods .*"automountServiceAccountToken":false.*"imagePullPolicy":"Always".*"imagePullSecrets":\[\{"name":"alice-secret"\}\]/,
    );
    expect(requests[3]).toContain('"nodeName":"pullcheck-w-worker2"');
    expect(requests).toContain("DELETE /api/v1/namespaces/ns-1");
    // The next test restarts the kubelet: this test's pods must be gone first (asked until none is left).
    expect(requests.slice(requests.indexOf("DELETE /api/v1/namespaces/ns-1"))).toEqual([
      "DELETE /api/v1/namespaces/ns-1",
      "GET /api/v1/namespaces/ns-1/pods",
      "GET /api/v1/namespaces/ns-1/pods",
      "DELETE /api/v1/namespaces/ns-1/pods/probe",
    ]);
    const states = timeline.of("status").map((o) => o.state.reason);
    expect(states.at(-1)).toBe("ErrImagePull");
    expect(timeline.of("event").map((e) => e.reason)).toEqual(["Failed", "Failed"]);
  });
});
