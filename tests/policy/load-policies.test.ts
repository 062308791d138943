import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { builtinPolicies, loadPolicyFiles } from "../../harness/policy/load-policies.js";
import { InputError } from "../../harness/support/errors.js";

const dir = mkdtempSync(join(tmpdir(), "pullcheck-policy-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function problemsOf(file: string) {
  try {
    loadPolicyFiles([file]);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).problems;
  }
  throw new Error("expected an InputError");
}

describe("builtinPolicies", () => {
  it("should list the upstream three, then the five candidates in their fixed order", () => {
    expect(builtinPolicies().map((p) => p.name)).toEqual([
      "Always",
      "IfNotPresent",
      "Never",
      "PullWithFallback",
      "IfNewerNotPresent",
      "IfNewerNotPresentPrototype",
      "SafeFallback",
      "IfNotPresentOrStale",
    ]);
  });

  it("should read IfNotPresentOrStale's contact as one hour", () => {
    const stale = builtinPolicies().find((p) => p.name === "IfNotPresentOrStale");
    expect(stale?.kind === "proposed" && stale.contact).toEqual({ kind: "ifOlderThan", ms: 3_600_000 });
  });
});

describe("loadPolicyFiles", () => {
  it("should load a policy written only from the schema, with defaults for optional fields", () => {
    const file = write("mine.yaml", "name: CacheFirst\ncontact: ifAbsent\ncheck: pull\nfallback: { unreachable: UseCached }\n");
    const [policy] = loadPolicyFiles([file]);
    expect(policy).toMatchObject({ name: "CacheFirst", attempts: 1, resolveTimeoutMs: 10_000, requireVerifiedCredentials: true, onResolveError: "fallback" });
    expect(policy?.fallback.authDenied).toBe("Fail");
  });

  it("should report every problem with its field path and a hint", () => {
    const file = write(
      "bad.yaml",
      "name: lowercase\ncontact: sometimes\ncheck: pull\nfallback: { unreachble: UseCached, timeout: Maybe }\nresolveTimeout: soon\nextra: 1\n",
    );
    const problems = problemsOf(file);
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(["name", "contact", "fallback.unreachble", "fallback.timeout", "resolveTimeout", "extra"]));
    expect(problems.find((p) => p.path === "fallback.unreachble")?.hint).toContain("unreachable");
    expect(problems.every((p) => p.file?.startsWith(file))).toBe(true);
  });

  it("should refuse to redefine an upstream policy", () => {
    const file = write("always.yaml", "name: Always\ncontact: always\ncheck: pull\nfallback: {}\n");
    expect(problemsOf(file)[0]?.message).toContain("reserved");
  });

  it("should point at the line of a YAML syntax error", () => {
    const file = write("syntax.yaml", "name: X\ncontact: [always\n");
    expect(problemsOf(file)[0]?.file).toMatch(/syntax\.yaml:\d+:\d+$/);
  });
});
