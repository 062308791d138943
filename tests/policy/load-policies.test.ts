import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BUILTIN_POLICY_DIR, builtinPolicies, loadPolicyFiles, policiesWith } from "../../harness/policy/load-policies.js";
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

  it("should refuse an empty policy file rather than load nothing from it", () => {
    for (const [name, text] of [
      ["empty.yaml", ""],
      ["comments.yaml", "# nothing yet\n---\n"],
    ]) {
      const file = write(name!, text!);
      expect(problemsOf(file)).toEqual([expect.objectContaining({ file, message: "the file holds no policy" })]);
    }
  });

  it("should refuse a resolveTimeout of zero, with which every digest check fails", () => {
    const file = write("zero.yaml", 'name: Hasty\ncontact: always\ncheck: digest\nfallback: {}\nresolveTimeout: "0"\n');
    expect(problemsOf(file).map((p) => [p.path, p.message])).toEqual([["resolveTimeout", expect.stringContaining("longer than 0s")]]);
  });

  it("should count the problems past the first fifty of a document rather than list them", () => {
    const fields = Array.from({ length: 500 }, (_, i) => `x${i}: 1`).join("\n");
    const problems = problemsOf(write("many.yaml", `name: Many\ncontact: always\ncheck: pull\nfallback: {}\n${fields}\n`));
    expect(problems).toHaveLength(51);
    expect(problems.at(-1)?.message).toBe("and 450 more problems in this document");
  });

  it("should cut a long value it echoes", () => {
    const [contact] = problemsOf(write("long.yaml", `name: Long\ncontact: ${"z".repeat(5000)}\ncheck: pull\nfallback: {}\n`));
    expect(contact?.message.length).toBeLessThan(200);
    expect(contact?.message).toContain("… (5002 characters)");
  });

  it("should point at the line of a key given twice", () => {
    const file = write("twice.yaml", "name: Twice\ncontact: always\ncontact: never\ncheck: pull\nfallback: {}\n");
    expect(problemsOf(file)).toEqual([expect.objectContaining({ file: `${file}:3:1`, message: expect.stringContaining('"contact" appears twice') })]);
  });

  it("should point at the line of a YAML syntax error", () => {
    const file = write("syntax.yaml", "name: X\ncontact: [always\n");
    expect(problemsOf(file)[0]?.file).toMatch(/syntax\.yaml:\d+:\d+$/);
  });
});

describe("policiesWith", () => {
  it("should refuse a user policy that takes a built-in policy's name, which would run twice under one test name", () => {
    const file = write("my-safe-fallback.yaml", "name: SafeFallback\ncontact: always\ncheck: pull\nfallback: {}\n");
    expect(() => policiesWith([file])).toThrow(/policy SafeFallback is one of pullcheck's built-in policies/);
  });

  it("should take the built-in folder itself without a clash, and add a policy of the user's", () => {
    const file = write("mine-too.yaml", "name: Mine\ncontact: always\ncheck: pull\nfallback: {}\n");
    const names = policiesWith([BUILTIN_POLICY_DIR, file]).map((p) => p.name);
    expect(names).toEqual([...builtinPolicies().map((p) => p.name), "Mine"]);
  });
});
