/**
 * The fixture images in a real container runtime: Docker's engine (containerd and runc under it)
 * pulls each variant from the real registry, computes the same digests the simulation reports, and
 * runs the hand-assembled entrypoint, which prints its line and keeps running — the `running`
 * state every scenario expects of a real kubelet on kind. Needs a Docker engine (CI starts one);
 * without it the test says why it was skipped.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEnvironment, type Environment } from "../../harness/environment/environment.js";
import { FIXTURE_VARIANTS, getFixture } from "../../harness/fixture-images/catalog.js";
import { PULLCHECK_LABEL } from "../../harness/environment/start-as-containers.js";
import { REPO_ROOT } from "../../harness/support/repo-root.js";

const run = promisify(execFile);
const REPO = "pullcheck-fixture-run";
const ARCH = process.arch === "arm64" ? "arm64" : "amd64";
/** What each variant's entrypoint prints (catalog.ts). */
const PRINTS: Record<(typeof FIXTURE_VARIANTS)[number], string> = {
  v1: "pullcheck fixture v1",
  v2: "pullcheck fixture v2",
  v3: "pullcheck fixture v3",
  fat: "pullcheck fixture fat",
  multiarch: `pullcheck fixture multiarch ${ARCH}`,
  "v1-docker": "pullcheck fixture v1",
};

async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run("docker", args, { maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

async function missingEngine(): Promise<string | undefined> {
  let system: string;
  try {
    system = await docker("info", "--format", "{{.OperatingSystem}}");
  } catch {
    return "no Docker engine answers (start dockerd; .ci/run does)";
  }
  // The engine pulls from the registry on this machine's 127.0.0.1: it must run on this machine.
  if (process.platform !== "linux" || system.includes("Docker Desktop"))
    return `the Docker engine (${system}) does not run on this machine, so it cannot reach the registry on 127.0.0.1`;
  return undefined;
}

const work = mkdtempSync(join(tmpdir(), "pullcheck-fixtures-runtime-"));
const runLabel = `${PULLCHECK_LABEL}.run=fixtures-${process.pid}`;
let environment: Environment | undefined;
let missing: string | undefined;
let registryHost = "";

beforeAll(async () => {
  missing = await missingEngine();
  if (missing) return;
  environment = await startEnvironment({ toolsDir: join(REPO_ROOT, ".tools", "bin"), tempRoot: work });
  // Docker pulls from 127.0.0.0/8 over plain HTTP without configuration.
  registryHost = environment.registryUrl.replace("http://", "");
  for (const variant of FIXTURE_VARIANTS) await environment.admin.pushImage(REPO, variant, getFixture(variant));
}, 120_000);

afterAll(async () => {
  if (!missing) {
    const containers = await docker("ps", "-aq", "--filter", `label=${runLabel}`).catch(() => "");
    if (containers) await docker("rm", "-f", ...containers.split("\n")).catch(() => "");
    for (const variant of FIXTURE_VARIANTS) await docker("rmi", "-f", `${registryHost}/${REPO}:${variant}`).catch(() => "");
  }
  await environment?.close();
  rmSync(work, { recursive: true, force: true });
}, 120_000);

describe("fixture images in a real container runtime", () => {
  for (const variant of FIXTURE_VARIANTS) {
    it(`should pull ${variant} with the digests the simulation reports, and run it`, { timeout: 120_000 }, async (ctx) => {
      if (missing) return ctx.skip(missing);
      const fixture = getFixture(variant);
      const reference = `${registryHost}/${REPO}:${variant}`;
      await docker("pull", "--quiet", reference);
      expect(await docker("image", "inspect", "--format", "{{.Id}}", reference)).toBe(fixture.imageId);
      expect(JSON.parse(await docker("image", "inspect", "--format", "{{json .RepoDigests}}", reference))).toContain(
        `${registryHost}/${REPO}@${fixture.digest}`,
      );

      const container = await docker("run", "--detach", "--label", `${PULLCHECK_LABEL}=true`, "--label", runLabel, reference);
      // The entrypoint writes its line, then waits in pause(2): wait for the line (real time, a
      // real process), then the container must still be running.
      let logs = "";
      for (let attempt = 0; attempt < 100 && !logs.includes("\n"); attempt++) {
        const { stdout } = await run("docker", ["logs", container]);
        logs = stdout;
        if (!logs.includes("\n")) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(logs).toBe(`${PRINTS[variant]}\n`);
      expect(await docker("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", container)).toBe("running 0");
    });
  }
});
