/**
 * Container mode: the whole catalogue, every policy, on the sim-containers backend (the simulated
 * kubelet with registry, Toxiproxy and gate as containers), in a child process of its own. Needs a Docker engine
 * and the images (`make images`); without them the test says why it was skipped. Afterwards no
 * container or network of pullcheck's may be left.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_CONTAINER_IMAGES, PULLCHECK_LABEL } from "../../harness/environment/start-as-containers.js";

const ROOT = join(import.meta.dirname, "..", "..");
const output = mkdtempSync(join(tmpdir(), "pullcheck-containers-test-"));
afterAll(() => rmSync(output, { recursive: true, force: true }));

function docker(...args: string[]): string | undefined {
  try {
    return execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

function missingPrerequisite(): string | undefined {
  const system = docker("info", "--format", "{{.OperatingSystem}}");
  if (system === undefined) return "no Docker engine answers (start dockerd; .ci/run does)";
  // pullcheck reaches the containers at their addresses on the run's network (docs/kind.md).
  if (process.platform !== "linux" || system.includes("Docker Desktop"))
    return `the Docker engine (${system}) does not run on this machine, so container addresses are out of reach`;
  for (const image of Object.values(DEFAULT_CONTAINER_IMAGES))
    if (docker("image", "inspect", image) === undefined) return `image ${image} is missing (run make images)`;
  return undefined;
}

describe("container mode", () => {
  it("should run the whole catalogue with registry, Toxiproxy and gate in containers, and leave nothing behind", { timeout: 20 * 60_000 }, (ctx) => {
    const missing = missingPrerequisite();
    if (missing) return ctx.skip(missing);
    const run = spawnSync(
      process.execPath,
      [join(ROOT, "bin", "pullcheck.mjs"), "run", "scenarios", "--backend", "sim-containers", "--parallel", "2", "--output", output],
      {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, CI: "true", PULLCHECK_RUN: "", NO_COLOR: "1", FORCE_COLOR: "0" },
        timeout: 19 * 60_000,
      },
    );
    const lines = `${run.stdout}${run.stderr}`
      // eslint-disable-next-line no-control-regex -- strips terminal colours from vitest's output
      .replace(/\x1b\[[0-9;]*m/g, "")
      .split("\n");
    // Each test that did not pass, with its explanation (the indented lines below it), then the end of the output.
    const notPassed: string[] = [];
    let inFailure = false;
    for (const line of lines) {
      if (/^\[\d+\/\d+\] /.test(line)) inFailure = /^\[\d+\/\d+\] (FAILED|BROKEN)/.test(line);
      else if (!line.startsWith("    ")) inFailure = false;
      if (inFailure) notPassed.push(line);
    }
    const tail = [...notPassed, "…", ...lines.slice(-30)].join("\n");
    expect(run.status, tail).toBe(0);
    // The run's summary table: none failed or broken, and the only skipped cells are those whose
    // scenario's expectations hold for another kubelet release (spec.kubeletVersions).
    const releaseSkips = lines.filter((line, i) => /^\[\d+\/\d+\] SKIPPED/.test(line) && /\(spec\.kubeletVersions\)/.test(lines[i + 1] ?? "")).length;
    expect(lines.filter((line) => /^\[\d+\/\d+\] SKIPPED/.test(line)).length, tail).toBe(releaseSkips);
    expect(tail).toMatch(new RegExp(`^sim-containers\\s+[1-9]\\d*\\s+0\\s+${releaseSkips}\\s+0\\s*$`, "m"));
    expect(docker("ps", "-aq", "--filter", `label=${PULLCHECK_LABEL}`)).toBe("");
    expect(docker("network", "ls", "-q", "--filter", `label=${PULLCHECK_LABEL}`)).toBe("");
  });
});
