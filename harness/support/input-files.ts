/**
 * Finding and reading the user's YAML files (scenarios, policies). A path may be a file or a
 * folder (searched recursively, sorted); symbolic links are followed once, so a link loop is a
 * problem rather than a hang. Only regular files of at most MAX_INPUT_FILE_BYTES are read: a
 * FIFO would block the reader forever and /dev/zero would fill the memory.
 */
import { readFileSync, readdirSync, realpathSync, statSync, type Stats } from "node:fs";
import { join, resolve } from "node:path";
import { isScalar, visit, type Document, type LineCounter } from "yaml";
import { MAX_PROBLEMS_PER_FILE, echoValue, errorMessage, type InputProblem } from "./errors.js";
import { formatSize } from "./size.js";

export const MAX_INPUT_FILE_BYTES = 1024 ** 2;

const YAML_NAME = /\.ya?ml$/;

/** Every *.yaml / *.yml file under these paths, in order; a path that gives none is a problem. */
export function findYamlFiles(paths: string[], what: string, problems: InputProblem[]): string[] {
  const files: string[] = [];
  const seenFolders = new Set<string>();
  const walk = (dir: string): void => {
    const real = realpathSync(dir);
    if (seenFolders.has(real)) return;
    seenFolders.add(real);
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const stat = statSync(full, { throwIfNoEntry: false });
      if (stat?.isDirectory()) walk(full);
      else if (YAML_NAME.test(name)) files.push(full);
    }
  };
  for (const path of paths) {
    const absolute = resolve(path);
    const before = files.length;
    try {
      if (statSync(absolute).isDirectory()) walk(absolute);
      else files.push(absolute);
    } catch (error) {
      problems.push({ file: path, ...whyUnreadable(error as NodeJS.ErrnoException, what) });
      continue;
    }
    if (files.length === before)
      problems.push({ file: path, message: "the folder holds no *.yaml or *.yml file", hint: `pass ${what} YAML files or folders of them` });
  }
  return files;
}

/** The file's text, or undefined after a problem saying why it was not read. */
export function readInputFile(file: string, what: string, problems: InputProblem[]): string | undefined {
  try {
    const stat = statSync(file);
    if (!stat.isFile()) {
      problems.push({ file, message: `not a regular file (${kindOf(stat)})`, hint: `pass ${what} YAML files` });
      return undefined;
    }
    if (stat.size > MAX_INPUT_FILE_BYTES) {
      problems.push({
        file,
        message: `${stat.size} bytes is more than a ${what} file may hold (${formatSize(MAX_INPUT_FILE_BYTES)})`,
        hint: `split it into several files; a ${what} file is a few KiB`,
      });
      return undefined;
    }
    return readFileSync(file, "utf8");
  } catch (error) {
    problems.push({ file, ...whyUnreadable(error as NodeJS.ErrnoException, what) });
    return undefined;
  }
}

function whyUnreadable(error: NodeJS.ErrnoException, what: string): Pick<InputProblem, "message" | "hint"> {
  switch (error.code) {
    case "ENOENT":
      return { message: "no such file or folder", hint: `pass ${what} YAML files or folders of them` };
    case "ELOOP":
      return { message: "a loop of symbolic links", hint: "point the link at a real file or folder" };
    case "EACCES":
    case "EPERM":
      return { message: "not readable (permission denied)", hint: "check the file's permissions" };
    default:
      return { message: `cannot be read: ${error.message}`, hint: `pass ${what} YAML files or folders of them` };
  }
}

function kindOf(stat: Stats): string {
  if (stat.isFIFO()) return "a FIFO";
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return "a device";
  if (stat.isSocket()) return "a socket";
  if (stat.isDirectory()) return "a folder";
  return "not a file";
}

/**
 * The document as plain data. The yaml library refuses a document whose aliases expand beyond
 * its limit (an "alias bomb": a few lines that expand to billions of nodes); that is the file's
 * problem, not a crash.
 */
export function yamlValue(doc: Document, file: string, problems: InputProblem[]): unknown {
  try {
    return doc.toJS();
  } catch (error) {
    problems.push({
      file,
      message: `the YAML aliases expand too far (${errorMessage(error)})`,
      hint: "write the repeated parts out, or use fewer *alias references",
    });
    return undefined;
  }
}

/**
 * The document's syntax errors and repeated keys, each at file:line:col. Parse with
 * `uniqueKeys: false`: the yaml library's own check compares every key of a mapping with every
 * other, which takes minutes for a mapping of 100,000 keys; a set per mapping takes milliseconds.
 */
export function yamlSyntaxProblems(doc: Document, lines: LineCounter, file: string): InputProblem[] {
  const errors = doc.errors.map((error) => ({ offset: error.pos[0], message: error.message.split("\n")[0]! }));
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (seen.has(key)) errors.push({ offset: pair.key.range?.[0] ?? 0, message: `the key ${echoValue(key)} appears twice in one mapping` });
        seen.add(key);
      }
    },
  });
  return errors.slice(0, MAX_PROBLEMS_PER_FILE).map((error) => {
    const at = lines.linePos(error.offset);
    return {
      file: `${file}:${at.line}:${at.col}`,
      message: `YAML syntax error: ${error.message}`,
      hint: "fix the YAML syntax (indentation, quotes, brackets, repeated keys)",
    };
  });
}
