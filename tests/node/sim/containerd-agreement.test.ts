/**
 * The simulation's image service next to containerd's own registry client (`ctr images pull`,
 * the same resolver and fetcher code the CRI plugin pulls with), on the same registry, Toxiproxy
 * and gate, fault by fault. The CRI wrapping (`failed to pull and unpack image …`, the gRPC code)
 * is the CRI's, not the client's, and is stripped before comparing; so are the `?ns=` query
 * (ctr names the endpoint itself, a kubelet names the registry host), ephemeral ports, and which
 * blob a failure names (config and layers are fetched at once, so which fails first is a race).
 *
 * The simulation models containerd 2.x. Where containerd 1.x words an error differently, the
 * 1.x text is pinned here as a known difference; on containerd 2.x those cases must match word
 * for word. One difference is ctr's own, in every version (see viaCtr below). Needs `ctr` and a containerd socket (Debian's docker.io brings both; CI starts one);
 * without them the test says it was skipped.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEnvironment, type Environment } from "../../../harness/environment/environment.js";
import type { FaultSpec } from "../../../harness/scenario/faults/index.js";
import { CriImageService } from "../../../harness/node/sim/image-service/cri-image-service.js";
import { REGISTRY_HOST } from "../../../harness/scenario/image-names.js";
import { getFixture } from "../../../harness/fixture-images/catalog.js";
import { REPO_ROOT } from "../../../harness/support/repo-root.js";
import { RealClock } from "../../../harness/support/clock.js";

const SOCKETS = ["/run/containerd/containerd.sock", "/run/docker/containerd/containerd.sock"];
/**
 * A containerd namespace per case. A pull whose commit failed (tampered blobs) leaves its ingest
 * behind until containerd's garbage collector runs; the next pull of the same blob in that
 * namespace resumes it and fails the same way, whenever the collector has not come by yet.
 */
const NAMESPACE_PREFIX = `pullcheck-agreement-${process.pid}`;
const namespaces: string[] = [];
let namespace = NAMESPACE_PREFIX;

function findContainerd(): { socket: string; major: number; minor: number } | string {
  try {
    execFileSync("ctr", ["--version"], { stdio: "ignore" });
  } catch {
    return "no ctr (containerd's CLI) on this machine";
  }
  for (const socket of SOCKETS.filter((s) => existsSync(s))) {
    try {
      const version = execFileSync("ctr", ["--address", socket, "version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
      const server = /Server:[\s\S]*?Version:\s*v?(\d+)\.(\d+)/.exec(version);
      if (server) return { socket, major: Number(server[1]), minor: Number(server[2]) };
    } catch {
      // not answering; try the next one
    }
  }
  return `no containerd answers on ${SOCKETS.join(" or ")} (start dockerd; .ci/run does)`;
}

const found = findContainerd();
const containerd = typeof found === "string" ? undefined : found;
const work = mkdtempSync(join(tmpdir(), "pullcheck-containerd-agreement-"));
let environment: Environment;
let stores = 0;

/** `ctr` in the current case's namespace (for `namespaces …`, outside any); never rejects. */
function ctr(...args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return ctrIn(namespace, ...args);
}

function ctrIn(name: string, ...args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const scope = args[0] === "namespaces" ? [] : ["-n", name];
  return new Promise((resolve) =>
    execFile("ctr", ["--address", containerd!.socket, ...scope, ...args], (error, stdout, stderr) => resolve({ ok: !error, stdout, stderr })),
  );
}

/** Both clients pull `reference` under `fault`; returns their texts, normalised. */
interface BothPulls {
  containerd: string;
  simulation: string;
  /** The registry requests each client made, as "METHOD what status", sorted (blobs are fetched at once). */
  requests: { containerd: string[]; simulation: string[] };
}

async function pullWithBoth(reference: string, options: { fault?: FaultSpec; user?: string } = {}): Promise<BothPulls> {
  const endpoint = environment.endpoint;
  if (options.fault) await environment.faults.apply(options.fault);
  try {
    const before = environment.requests().length;
    const pulled = await ctr("images", "pull", "--plain-http", ...(options.user ? ["--user", options.user] : []), `${endpoint}/${reference}`);
    const fromContainerd = pulled.ok ? "pulled" : (pulled.stderr.trim().split("\n").at(-1) ?? "");
    await environment.flushRequests();
    const between = environment.requests().length;
    const service = new CriImageService({
      nodeName: "agreement",
      storeDir: join(work, `store-${stores++}`),
      hosts: { [REGISTRY_HOST]: endpoint },
      clock: new RealClock(),
    });
    const [username, password] = options.user?.split(":") ?? [];
    let fromSimulation = "pulled";
    try {
      await service.pullImage(`${REGISTRY_HOST}/${reference}`, username && password ? { username, password } : undefined);
    } catch (error) {
      fromSimulation = (error as Error).message;
    }
    const normalise = (text: string) =>
      text
        .replace(/^ctr: /, "")
        .replace(/^rpc error: code = \w+ desc = /, "")
        .replace(/^failed to pull and unpack image "[^"]+": /, "")
        .replaceAll(`?ns=${REGISTRY_HOST}`, "")
        .replaceAll(REGISTRY_HOST, endpoint)
        .replace(/127\.0\.0\.1:\d+->/g, "127.0.0.1:PORT->")
        // Config and layers are fetched at once: which blob fails first is a race, in both clients.
        .replace(/(config|layer)-sha256:[0-9a-f]{64}/g, "<blob ref>")
        .replace(/sha256:[0-9a-f]{64}/g, "sha256:<digest>")
        .replace(/\(application\/[^)]+\)/g, "(<media type>)");
    await environment.flushRequests();
    const requests = environment.requests();
    const describe = (r: (typeof requests)[number]) =>
      `${r.method} ${/\/manifests\/sha256:/.test(r.path) ? "manifest by digest" : r.path.includes("/manifests/") ? "manifest by tag" : "blob"} ${r.status}`;
    return {
      containerd: normalise(fromContainerd),
      simulation: normalise(fromSimulation),
      requests: { containerd: requests.slice(before, between).map(describe).sort(), simulation: requests.slice(between).map(describe).sort() },
    };
  } finally {
    await environment.faults.heal();
    await ctr("images", "rm", "--sync", `${endpoint}/${reference}`);
  }
}

beforeAll(async () => {
  if (!containerd) return;
  environment = await startEnvironment({ toolsDir: join(REPO_ROOT, ".tools", "bin"), tempRoot: work });
  await environment.admin.pushImage("app", "v1", getFixture("v1"));
  await environment.admin.pushImage("big", "latest", getFixture("fat"));
}, 60_000);

afterAll(async () => {
  if (containerd) {
    await environment?.close();
    // Whatever a failed pull left in each namespace (content, leases), then the namespace itself.
    for (const name of namespaces) {
      for (const [list, remove] of [
        [
          ["content", "ls", "-q"],
          ["content", "rm"],
        ],
        [
          ["leases", "ls", "-q"],
          ["leases", "rm"],
        ],
      ] as const) {
        const names = (await ctrIn(name, ...list)).stdout.split("\n").filter(Boolean);
        if (names.length > 0) await ctrIn(name, ...remove, ...names);
      }
      await ctrIn(name, "namespaces", "rm", name);
    }
  }
  rmSync(work, { recursive: true, force: true });
}, 60_000);

describe("the simulation's registry client next to containerd's", () => {
  const skipReason = typeof found === "string" ? found : undefined;
  // sameRequests: the registry also sees the same requests from both (sorted: blobs are fetched at
  // once). "before 2.4": the simulation sends a request at most 6 times, as containerd up to 2.3
  // does; 2.4 sends it at most 5 times. Elsewhere the number of requests is a race (which blob fails
  // first) or differs by version (2.x retries a 5xx once, 1.x never).
  // containerd1: containerd 1.x's own wording, a version difference. viaCtr: ctr's own path, in
  // every version: it writes content through the content service's gRPC proxy
  // (core/content/proxy/content_writer.go adds "commit failed: "); the CRI plugin writes to the
  // local store in-process, as the simulation reports.
  const cases: {
    name: string;
    reference: string;
    fault?: FaultSpec;
    user?: string;
    private?: true;
    containerd1?: RegExp;
    viaCtr?: RegExp;
    sameRequests?: true | "before 2.4";
  }[] = [
    { name: "a pull that works", reference: "app:v1", sameRequests: true },
    { name: "a tag that is not there", reference: "app:missing", sameRequests: true },
    { name: "connection refused", reference: "app:v1", fault: { kind: "down" }, sameRequests: true },
    { name: "connection reset", reference: "app:v1", fault: { kind: "reset" }, sameRequests: true },
    { name: "a blob answered with 404", reference: "app:v1", fault: { kind: "http", status: 404, on: "blobs" } },
    // Both re-open the 64 MiB layer with Range requests after every cut, and finish.
    { name: "connections cut after every 1 MiB", reference: "big:latest", fault: { kind: "cut", bytes: 1024 * 1024 } },
    // containerd 1.x: "pulling from host … failed with status code …"; 2.x: "unexpected status from HEAD request to …"
    {
      name: "HTTP 500 on everything",
      reference: "app:v1",
      fault: { kind: "http", status: 500, on: "all" },
      containerd1: /: pulling from host 127\.0\.0\.1:\d+ failed with status code \[manifests v1\]: 500 Internal Server Error$/,
    },
    {
      name: "HTTP 429 on manifests",
      reference: "app:v1",
      fault: { kind: "http", status: 429, on: "manifests" },
      sameRequests: "before 2.4",
      containerd1: /failed with status code \[manifests v1\]: 429 Too Many Requests$/,
    },
    {
      name: "blobs altered on the way",
      reference: "app:v1",
      fault: { kind: "tamper", on: "blobs" },
      viaCtr: /^failed commit on ref "<blob ref>": commit failed: unexpected commit digest sha256:<digest>, expected sha256:<digest>: failed precondition$/,
    },
    // From here on the registry wants credentials (htpasswd, basic auth).
    // containerd 1.x reports the 401 as a status; 2.x as "pull access denied, …" when it had no
    // credentials to offer.
    {
      name: "a private registry, no credentials",
      reference: "app:v1",
      private: true,
      sameRequests: true,
      containerd1: /failed with status code \[manifests v1\]: 401 Unauthorized$/,
    },
    {
      name: "a private registry, wrong credentials",
      reference: "app:v1",
      private: true,
      user: "alice:wrong",
      sameRequests: "before 2.4",
      containerd1: /failed with status code \[manifests v1\]: 401 Unauthorized$/,
    },
    { name: "a private registry, the right credentials", reference: "app:v1", private: true, user: "alice:s3cret" },
  ];

  for (const [index, testCase] of cases.entries()) {
    it(`should word ${testCase.name} as containerd does`, { timeout: 60_000 }, async (ctx) => {
      if (skipReason) return ctx.skip(skipReason);
      namespace = `${NAMESPACE_PREFIX}-${index + 1}`;
      namespaces.push(namespace);
      if (testCase.private && !environment.admin.hasUsers) await environment.admin.grant("alice", "s3cret");
      const { containerd: theirs, simulation: ours, requests } = await pullWithBoth(testCase.reference, testCase);
      if (testCase.viaCtr) {
        expect(theirs, "ctr's own content path, a known difference").toMatch(testCase.viaCtr);
        expect(ours).toBe(theirs.replace(": commit failed: ", ": "));
      } else if (testCase.containerd1 && containerd!.major < 2) {
        expect(theirs, "containerd 1.x's wording, a known difference").toMatch(testCase.containerd1);
        expect(ours).not.toBe(theirs);
      } else {
        expect(ours).toBe(theirs);
      }
      const before24 = containerd!.major < 2 || (containerd!.major === 2 && containerd!.minor < 4);
      if (testCase.sameRequests === true || (testCase.sameRequests === "before 2.4" && before24)) expect(requests.simulation).toEqual(requests.containerd);
    });
  }
});
