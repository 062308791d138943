/** One updating progress line on a terminal: how many tests ran, passed, failed, and the current one; then the table per backend. */
import type { UserConsoleLog } from "vitest";
import type { Reporter, TestCase, TestModule } from "vitest/node";
import { renderSummaryTable } from "./line-reporter.js";
import { finishedTest, parseTestName, type FinishedTest } from "./test-verdicts.js";

export class ProgressReporter implements Reporter {
  private total = 0;
  private readonly tests: FinishedTest[] = [];
  private readonly failures: string[] = [];
  constructor(
    private readonly defaultBackend: string,
    private readonly out: NodeJS.WriteStream = process.stdout,
  ) {}

  onTestModuleCollected(module: TestModule): void {
    this.total += [...module.children.allTests()].filter((t) => parseTestName(t.name, this.defaultBackend)).length;
  }

  onTestCaseResult(test: TestCase): void {
    const finished = finishedTest(test, this.defaultBackend);
    if (parseTestName(test.name, this.defaultBackend)) this.tests.push(finished);
    if (finished.verdict === "failed" || finished.verdict === "broken")
      this.failures.push(`${finished.verdict === "broken" ? "⚠ broken:" : "✗"} ${test.name}\n${indent(finished.reason ?? "")}`);
    const count = (verdict: FinishedTest["verdict"]) => this.tests.filter((t) => t.verdict === verdict).length;
    const done = this.tests.length;
    const line = `[${done}/${this.total}] ${count("passed")} passed, ${count("failed")} failed, ${count("skipped")} skipped, ${count("broken")} broken — ${test.name}`;
    this.out.write(`\r\x1b[K${line.slice(0, (this.out.columns ?? 120) - 1)}`);
  }

  onUserConsoleLog(log: UserConsoleLog): void {
    this.out.write(`\r\x1b[K${log.content.endsWith("\n") ? log.content : `${log.content}\n`}`);
  }

  onTestRunEnd(): void {
    this.out.write("\r\x1b[K");
    for (const failure of this.failures) this.out.write(`${failure}\n`);
    this.out.write(`${renderSummaryTable(this.tests)}\n`);
  }
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
}
