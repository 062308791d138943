/**
 * The reporter without a terminal (CI, a pipe, a file): one line per test as it ends (verdict,
 * scenario, policy, backend, duration), why it failed or was skipped indented below, then a table
 * of passed/failed/skipped/broken per backend. Nothing is rewritten in place. On GitHub Actions
 * a failed or broken test is also a workflow annotation (`::error`), shown on the run's page.
 */
import type { UserConsoleLog } from "vitest";
import type { Reporter, SerializedError, TestCase, TestModule } from "vitest/node";
import { countByBackend, finishedTest, parseTestName, type FinishedTest, type VerdictCounts } from "./test-verdicts.js";

const COLUMNS: (keyof VerdictCounts)[] = ["passed", "failed", "skipped", "broken"];

export class LineReporter implements Reporter {
  private total = 0;
  private readonly tests: FinishedTest[] = [];
  constructor(
    private readonly defaultBackend: string,
    private readonly write: (text: string) => void = (text) => process.stdout.write(text),
    private readonly annotate = false,
  ) {}

  onTestModuleCollected(module: TestModule): void {
    this.total += [...module.children.allTests()].filter((t) => parseTestName(t.name, this.defaultBackend)).length;
  }

  onTestCaseResult(test: TestCase): void {
    if (!parseTestName(test.name, this.defaultBackend)) return;
    const finished = finishedTest(test, this.defaultBackend);
    this.tests.push(finished);
    this.write(`${formatTestLine(finished, this.tests.length, this.total)}\n`);
    if (this.annotate && (finished.verdict === "failed" || finished.verdict === "broken")) this.write(`${formatAnnotation(finished)}\n`);
  }

  onUserConsoleLog(log: UserConsoleLog): void {
    this.write(log.content.endsWith("\n") ? log.content : `${log.content}\n`);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<SerializedError>): void {
    const outside = [...modules.flatMap((m) => m.errors()), ...unhandled];
    for (const module of modules) {
      for (const test of module.children.allTests("failed")) {
        if (!parseTestName(test.name, this.defaultBackend)) outside.push(...(test.result().errors ?? []));
      }
    }
    for (const error of outside) this.write(`error outside the catalogue's tests: ${error.name ?? "Error"}: ${error.message}\n`);
    this.write(`${renderSummaryTable(this.tests)}\n`);
  }
}

export function formatTestLine(test: FinishedTest, index: number, total: number): string {
  const head = `[${index}/${total}] ${test.verdict.toUpperCase().padEnd(7)} ${test.scenario} [${test.policy}] on ${test.backend} (${formatSeconds(test.durationMs)})`;
  if (!test.reason || test.verdict === "passed") return head;
  const lines = test.verdict === "skipped" ? test.reason.split("\n").slice(0, 1) : test.reason.split("\n");
  return [head, ...lines.map((l) => `    ${l}`)].join("\n");
}

/** A GitHub Actions workflow command: the test as the title, its explanation as the message (newlines escaped as the runner wants). */
export function formatAnnotation(test: FinishedTest): string {
  const escape = (text: string) => text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const title = `${test.scenario} [${test.policy}] on ${test.backend}: ${test.verdict}`.replace(/[,:]/g, (c) => (c === "," ? "%2C" : "%3A"));
  return `::error title=${title}::${escape(test.reason ?? test.verdict)}`;
}

export function renderSummaryTable(tests: readonly FinishedTest[]): string {
  const counts = countByBackend(tests);
  const all: VerdictCounts = { passed: 0, failed: 0, skipped: 0, broken: 0 };
  for (const row of counts.values()) for (const c of COLUMNS) all[c] += row[c];
  const rows: [string, VerdictCounts][] = [...counts, ...(counts.size > 1 ? [["all", all] as [string, VerdictCounts]] : [])];
  const width = Math.max(7, ...rows.map(([b]) => b.length));
  const line = (label: string, cells: (string | number)[]) => [label.padEnd(width), ...cells.map((c) => String(c).padStart(7))].join("  ");
  return [
    line("backend", COLUMNS),
    ...rows.map(([backend, row]) =>
      line(
        backend,
        COLUMNS.map((c) => row[c]),
      ),
    ),
  ].join("\n");
}

function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}
