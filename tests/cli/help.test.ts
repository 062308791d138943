import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, pullcheck, pullcheckAsync } from "./pullcheck-process.js";

const COMMANDS = ["run", "list", "validate", "report", "docs", "differences", "fleet", "bench"];
const scratch = mkdtempSync(join(tmpdir(), "pullcheck-help-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Files a command that ran for real would rewrite. */
const WATCHED = ["docs/policies.md", "docs/scenario-format.md", "docs/kind.md", "reports/matrix.md", "reports/allure-report/index.html", "reports/results"];
const snapshot = () =>
  WATCHED.map((path) => {
    const full = join(ROOT, path);
    if (!existsSync(full)) return `${path}: absent`;
    const stat = statSync(full);
    return `${path}: ${stat.mtimeMs} ${stat.isFile() ? readFileSync(full, "utf8").length : "dir"}`;
  });

describe("pullcheck --help", () => {
  it.concurrent.each(COMMANDS.flatMap((command) => [[command, "--help"] as const, [command, "-h"] as const]))(
    "should print the usage of %s for %s, exit 0 and change nothing",
    async (command, flag) => {
      const output = join(scratch, `${command}${flag}`);
      const before = snapshot();
      // Flags that would make a real run write somewhere: with --help they must not.
      const extra = command === "run" || command === "report" ? ["--output", output] : [];
      const result = await pullcheckAsync([command, ...extra, flag]);
      expect(result.code, result.out).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^usage: pullcheck ${command}\\b`));
      expect(result.stderr).toBe("");
      expect(existsSync(output)).toBe(false);
      expect(snapshot()).toEqual(before);
    },
  );

  it("should list the exit codes and every command, and exit 2 (usage on stderr) without a command", () => {
    const help = pullcheck(["--help"]);
    expect(help.code).toBe(0);
    for (const line of [/^ {2}0 {2}all as expected/m, /^ {2}1 {2}an outcome differed/m, /^ {2}2 {2}bad input/m, /^ {2}3 {2}environment problem/m])
      expect(help.stdout).toMatch(line);
    for (const command of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^ {2}${command}\\b`, "m"));
    const none = pullcheck([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("usage: pullcheck <command>");
  });

  it("should print the package version and the kubelet release the simulation models", () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    const result = pullcheck(["--version"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`pullcheck ${version}\nsimulated kubelet: 1.37 (--kubelet-version also 1.36, 1.35, 1.34, 1.31)\n`);
  });

  it("should refuse arguments to docs instead of rewriting the docs", () => {
    const before = snapshot();
    const result = pullcheck(["docs", "--frobnicate"]);
    expect(result.code).toBe(2);
    expect(snapshot()).toEqual(before);
  });
});
