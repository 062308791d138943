/**
 * The shape of harness/: data flows one way through the stages, so a module imports only from its
 * own stage or an earlier one; no import circle, type imports included; no file over 250 lines.
 */
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const HARNESS = resolve(import.meta.dirname, "..", "..", "harness");

/** The stages, earliest first. A folder not listed here is a mistake the first test names. */
const STAGES: readonly string[][] = [
  ["support"],
  ["policy", "fixture-images"],
  ["observe"],
  ["scenario"],
  ["environment"],
  ["node"],
  ["assert"],
  ["report"],
  ["run"],
  ["fleet", "bench", "fidelity"],
  ["cli"],
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/g)].map((m) => resolve(dirname(file), m[1]!.replace(/\.js$/, ".ts")));
}

const stageOf = (file: string) => STAGES.findIndex((folders) => folders.includes(relative(HARNESS, file).split("/")[0]!));
const name = (file: string) => relative(HARNESS, file);
const files = sources(HARNESS);
const graph = new Map(files.map((file) => [file, imports(file)]));

describe("harness layout", () => {
  it("should put every folder in a stage", () => {
    expect(files.filter((f) => stageOf(f) < 0).map(name)).toEqual([]);
  });

  it("should import only from the same stage or an earlier one", () => {
    const against = [...graph].flatMap(([file, targets]) =>
      targets
        .filter((t) => stageOf(t) > stageOf(file))
        .map((t) => `${name(file)} → ${name(t)} (${STAGES[stageOf(t)]!.join("/")} comes after ${STAGES[stageOf(file)]!.join("/")})`),
    );
    expect(against).toEqual([]);
  });

  it("should have no import circle", () => {
    const circles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const path: string[] = [];
    const visit = (file: string) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "open") {
        circles.push([...path.slice(path.indexOf(file)), file].map(name).join(" → "));
        return;
      }
      state.set(file, "open");
      path.push(file);
      for (const target of graph.get(file) ?? []) visit(target);
      path.pop();
      state.set(file, "done");
    };
    for (const file of files) visit(file);
    expect(circles).toEqual([]);
  });

  it("should keep every source and test file at 250 lines or fewer", () => {
    const tests = sources(resolve(HARNESS, "..", "tests"));
    const long = [...files, ...tests].map((f) => ({ f, lines: readFileSync(f, "utf8").split("\n").length - 1 })).filter(({ lines }) => lines > 250);
    expect(long.map(({ f, lines }) => `${relative(resolve(HARNESS, ".."), f)}: ${lines} lines`)).toEqual([]);
  });
});
