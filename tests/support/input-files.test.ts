import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { InputProblem } from "../../harness/support/errors.js";
import { findYamlFiles, MAX_INPUT_FILE_BYTES, readInputFile } from "../../harness/support/input-files.js";

const work = mkdtempSync(join(tmpdir(), "pullcheck-input-files-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function found(paths: string[]): { files: string[]; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  return { files: findYamlFiles(paths, "scenario", problems), problems };
}

function read(file: string): { text: string | undefined; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  return { text: readInputFile(file, "scenario", problems), problems };
}

describe("finding input files", () => {
  it("should say a folder with no YAML file in it is empty, not valid", () => {
    mkdirSync(join(work, "empty"));
    expect(found([join(work, "empty")]).problems).toEqual([expect.objectContaining({ message: "the folder holds no *.yaml or *.yml file" })]);
  });

  it("should call a loop of symbolic links a loop, not a missing file", () => {
    symlinkSync("loop", join(work, "loop"));
    expect(found([join(work, "loop")]).problems).toEqual([expect.objectContaining({ message: "a loop of symbolic links" })]);
  });

  it("should read each file once through a folder that links to itself", () => {
    const dir = join(work, "linked");
    mkdirSync(dir);
    writeFileSync(join(dir, "a.yaml"), "x: 1\n");
    symlinkSync(".", join(dir, "self"));
    expect(found([dir])).toEqual({ files: [join(dir, "a.yaml")], problems: [] });
  });
});

describe("reading input files", () => {
  it("should refuse a FIFO instead of waiting for a writer forever", () => {
    const fifo = join(work, "pipe.yaml");
    execFileSync("mkfifo", [fifo]);
    expect(read(fifo)).toEqual({ text: undefined, problems: [expect.objectContaining({ file: fifo, message: "not a regular file (a FIFO)" })] });
  });

  it("should refuse a device instead of reading it until the memory is full", () => {
    expect(read("/dev/zero").problems).toEqual([expect.objectContaining({ message: "not a regular file (a device)" })]);
  });

  it("should refuse a file larger than the limit, and read one at the limit", () => {
    const big = join(work, "big.yaml");
    writeFileSync(big, "#".repeat(MAX_INPUT_FILE_BYTES + 1));
    expect(read(big).problems).toEqual([expect.objectContaining({ message: "1048577 bytes is more than a scenario file may hold (1MiB)" })]);
    writeFileSync(big, "#".repeat(MAX_INPUT_FILE_BYTES));
    expect(read(big)).toEqual({ text: "#".repeat(MAX_INPUT_FILE_BYTES), problems: [] });
  });
});
