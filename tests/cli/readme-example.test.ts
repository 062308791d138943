/** The README's "Write your own scenario" example, pasted as is, passes under every built-in policy. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, pullcheck } from "./pullcheck-process.js";

const work = mkdtempSync(join(tmpdir(), "pullcheck-readme-example-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the README's scenario example", () => {
  it("should validate and pass under all eight policies", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Write your own scenario"));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example, "no yaml block under ## Write your own scenario").toBeDefined();
    const file = join(work, "my-scenario.yaml");
    writeFileSync(file, example!);
    const run = pullcheck(["run", file, "--output", join(work, "run")]);
    expect(run.code, run.out).toBe(0);
    expect(run.out).toMatch(/^sim +8 +0 +0 +0$/m);
  });
});
