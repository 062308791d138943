/**
 * Collects every problem of one YAML file, each with file:line:col, the field path and a hint.
 * Strict: a mapping with a field this format does not know is a problem, with a did-you-mean.
 */
import type { Document, LineCounter } from "yaml";
import { MAX_PROBLEMS_PER_FILE, echoValue, type InputProblem } from "../support/errors.js";
import { parseDuration } from "../support/duration.js";

export type Path = Array<string | number>;

export const USER_NAME_PATTERN = "^[a-z0-9][a-z0-9._-]*$";
const USER_NAME = new RegExp(USER_NAME_PATTERN);

export class Checker {
  private listed = 0;
  private unlisted = 0;

  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
    readonly problems: InputProblem[],
  ) {}

  problem(path: Path, message: string, hint?: string): void {
    if (this.listed >= MAX_PROBLEMS_PER_FILE) {
      this.unlisted++;
      return;
    }
    this.listed++;
    this.problems.push({ file: this.where(path), path: formatPath(path), message, ...(hint ? { hint } : {}) });
  }

  /** Called once the file is checked: says how many problems were not listed. */
  finish(): void {
    if (this.unlisted > 0)
      this.problems.push({ file: this.file, message: `and ${this.unlisted} more problems in this file`, hint: "fix the ones above and validate again" });
  }

  line(path: Path): number | undefined {
    const node = this.doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    return node?.range ? this.lines.linePos(node.range[0]).line : undefined;
  }

  /** A mapping with only these fields; returns it (or undefined after reporting). */
  mapping(value: unknown, path: Path, fields: readonly string[], what: string): Record<string, unknown> | undefined {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.problem(path, `${what} must be a mapping, not ${describe(value)}`, `fields: ${fields.join(", ")}`);
      return undefined;
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!fields.includes(key)) this.problem([...path, key], `unknown field "${key}" in ${what}`, didYouMean(key, fields) ?? `fields: ${fields.join(", ")}`);
    }
    return record;
  }

  /** A registry user's name: it goes into htpasswd and into "user:password" credentials. */
  userName(user: string, path: Path): boolean {
    if (USER_NAME.test(user)) return true;
    this.problem(path, `user name ${echoValue(user)} must be lowercase letters, digits, . _ -`, "for example alice (no spaces or colons)");
    return false;
  }

  string(value: unknown, path: Path, what: string): string | undefined {
    if (typeof value === "string" && value.trim() !== "") return value;
    this.problem(
      path,
      `${what} must be a non-empty string, not ${describe(value)}`,
      value === undefined ? `add ${formatPath(path.slice(-1))}: …` : "write it as text (quote it if YAML reads it as something else)",
    );
    return undefined;
  }

  stringList(value: unknown, path: Path, what: string): string[] | undefined {
    if (!Array.isArray(value)) {
      this.problem(path, `${what} must be a list of strings, not ${describe(value)}`, "write [a, b]");
      return undefined;
    }
    const ok = value.every((item, i) => this.string(item, [...path, i], `${what} entry`) !== undefined);
    return ok ? (value as string[]) : undefined;
  }

  duration(value: unknown, path: Path, what: string): number | undefined {
    const ms = typeof value === "string" ? parseDuration(value) : undefined;
    if (ms === undefined) this.problem(path, `${what} must be a Go-style duration, not ${describe(value)}`, "for example 500ms, 10s, 5m, 1h30m");
    return ms;
  }

  wholeNumber(value: unknown, path: Path, what: string, min: number): number | undefined {
    if (typeof value === "number" && Number.isInteger(value) && value >= min) return value;
    this.problem(path, `${what} must be a whole number ≥ ${min}, not ${describe(value)}`, `for example ${Math.max(min, 1)}`);
    return undefined;
  }

  oneOf<T extends string>(value: unknown, path: Path, allowed: readonly T[], what: string): T | undefined {
    if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
    this.problem(
      path,
      `${what} must be one of ${allowed.join(", ")}, not ${describe(value)}`,
      (typeof value === "string" ? didYouMean(value, allowed) : undefined) ?? `write one of: ${allowed.join(", ")}`,
    );
    return undefined;
  }

  private where(path: Path): string {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = this.doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) {
        const at = this.lines.linePos(node.range[0]);
        return `${this.file}:${at.line}:${at.col}`;
      }
    }
    return this.file;
  }
}

export function formatPath(path: Path): string {
  return path.map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`)).join("");
}

export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${echoValue(value)}`;
}

export function didYouMean(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? `did you mean "${best}"?` : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
