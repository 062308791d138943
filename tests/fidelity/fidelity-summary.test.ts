import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeFidelityResult } from "../../harness/fidelity/fidelity-summary.js";

const dir = mkdtempSync(join(tmpdir(), "pullcheck-vitest-fidelity-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("make fidelity's summary", () => {
  it("should have a row per release and source, and the evidence of each difference below", () => {
    writeFidelityResult(dir, { source: "generated", release: "1.36.3", sequences: 10000, seed: 2535, seconds: 1767.4 });
    writeFidelityResult(dir, { source: "generated", release: "1.37.2", sequences: 412, seed: 2535, seconds: 40, difference: "call 3: events differ" });
    writeFidelityResult(dir, {
      source: "catalogue",
      release: "1.37.2",
      tests: 162,
      agreed: 160,
      differences: ["node/x [Always]: call 1: events differ"],
      inexpressible: ["auth/y [Always]: a pull of app is in flight with another answer"],
      seconds: 31,
    });
    const summary = readFileSync(join(dir, "summary.md"), "utf8");
    expect(summary).toContain("| 1.36.3 | 10000 | 2535 | 1767 | 0 |");
    expect(summary).toContain("| 1.37.2 | 412 | 2535 | 40 | 1 (see below) |");
    expect(summary).toContain("| 1.37.2 | 162 | 160 | 1 | 1 | 31 |");
    expect(summary).toContain("### 1.37.2, generated\n\n```\ncall 3: events differ\n```");
    expect(summary).toContain("node/x [Always]: call 1: events differ\n\nnot expressible: auth/y [Always]");
    expect(summary).not.toContain("### 1.36.3");
  });
});
