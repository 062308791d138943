/**
 * Against a real kind cluster (a control plane and one worker): `registry/digest-unchanged-head-only`
 * under Always, which needs the registry, the per-test reset and the pod's status and Events. Needs the kind CLI (`make setup-kind`), a Docker engine, the container-mode images
 * (`make images`) and a kind node image (KIND_NODE_IMAGE, default: the CLI's default node image).
 * Where one is missing the test is skipped and says which; it never passes without a cluster.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_NODE_IMAGE } from "../../../harness/run/backends/kind.js";
import { readHostSysctls } from "../../../harness/node/kind/host-sysctls.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const NODE_IMAGE = process.env.KIND_NODE_IMAGE ?? DEFAULT_NODE_IMAGE;
const output = mkdtempSync(join(tmpdir(), "pullcheck-kind-test-"));
afterAll(() => rmSync(output, { recursive: true, force: true }));

function succeeds(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function missingPrerequisite(): string | undefined {
  if (!existsSync(join(ROOT, ".tools", "bin", "kind"))) return "no kind CLI (make setup-kind)";
  if (!succeeds("docker", ["info"])) return "no Docker engine answers";
  if (!succeeds("docker", ["image", "inspect", NODE_IMAGE])) return `node image ${NODE_IMAGE} is not on this machine (pull it, or set KIND_NODE_IMAGE)`;
  if (!succeeds("docker", ["image", "inspect", "pullcheck-gate:local"])) return "container-mode images missing (make images)";
  return undefined;
}

const lines = (command: string, args: string[]) => execFileSync(command, args, { encoding: "utf8" }).split("\n").filter(Boolean);
const clusters = () => lines(join(ROOT, ".tools", "bin", "kind"), ["get", "clusters"]);
const containers = () => lines("docker", ["ps", "-aq", "--filter", "label=dev.pullcheck=true"]);
const networks = () => lines("docker", ["network", "ls", "-q", "--filter", "label=dev.pullcheck=true"]);
const newSince = (earlier: string[], now: string[]) => now.filter((item) => !earlier.includes(item));

describe("kind backend against a real cluster", () => {
  it("should reproduce registry/digest-unchanged-head-only under Always with a real kubelet, and leave nothing behind", { timeout: 15 * 60_000 }, (ctx) => {
    const missing = missingPrerequisite();
    if (missing) return ctx.skip(`no kind cluster can be created here: ${missing}`);
    const sysctlsBefore = readHostSysctls();
    const before = { clusters: clusters(), containers: containers(), networks: networks() };
    const kubeconfig = join(homedir(), ".kube", "config");
    const kubeconfigBefore = existsSync(kubeconfig) ? readFileSync(kubeconfig, "utf8") : undefined;
    const run = spawnSync(
      process.execPath,
      [
        join(ROOT, "bin", "pullcheck.mjs"),
        "run",
        "scenarios",
        "--backend",
        "kind",
        "--node-image",
        NODE_IMAGE,
        "--kind-workers",
        "1",
        "--scenario",
        "registry/digest-unchanged-head-only",
        "--policy",
        "Always",
        "--output",
        output,
      ],
      {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, CI: "true", PULLCHECK_RUN: "" },
        timeout: 14 * 60_000,
      },
    );
    expect(run.status, `${run.stdout}${run.stderr}`.slice(-4000)).toBe(0);
    // Only what this run made: another run on the same machine may hold clusters and containers of its own.
    expect(newSince(before.clusters, clusters()), "kind clusters left").toEqual([]);
    expect(newSince(before.containers, containers()), "pullcheck containers left").toEqual([]);
    expect(newSince(before.networks, networks()), "pullcheck networks left").toEqual([]);
    expect(existsSync(kubeconfig) ? readFileSync(kubeconfig, "utf8") : undefined, "~/.kube/config changed").toBe(kubeconfigBefore);
    // The node's kubelet changed them on the shared kernel while the cluster ran; the backend restores them.
    expect(readHostSysctls()).toEqual(sysctlsBefore);
  });
});
