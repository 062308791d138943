/** One updating progress line on a terminal: how many tests ran, passed, failed, and the current one. */
import type { Reporter, TestCase, TestModule } from "vitest/node";

export class ProgressReporter implements Reporter {
  private done = 0;
  private passed = 0;
  private failed = 0;
  private skipped = 0;
  private total = 0;
  private readonly failures: string[] = [];
  constructor(private readonly out: NodeJS.WriteStream = process.stdout) {}

  onTestModuleCollected(module: TestModule): void {
    this.total += [...module.children.allTests()].length;
  }

  onTestCaseResult(test: TestCase): void {
    this.done++;
    const state = test.result().state;
    if (state === "passed") this.passed++;
    else if (state === "failed") {
      this.failed++;
      this.failures.push(
        `✗ ${test.name}\n${
          test
            .result()
            .errors?.map((e) => `    ${e.message}`)
            .join("\n") ?? ""
        }`,
      );
    } else this.skipped++;
    const line = `[${this.done}/${this.total}] ${this.passed} passed, ${this.failed} failed, ${this.skipped} unspecified — ${test.name}`;
    this.out.write(`\r\x1b[K${line.slice(0, (this.out.columns ?? 120) - 1)}`);
  }

  onTestRunEnd(): void {
    this.out.write("\r\x1b[K");
    for (const failure of this.failures) this.out.write(`${failure}\n`);
    this.out.write(`${this.passed} passed, ${this.failed} failed, ${this.skipped} skipped\n`);
  }
}
