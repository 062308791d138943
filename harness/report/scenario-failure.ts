/**
 * A test whose outcome or invariants did not hold. Its message is the whole story (expected,
 * actual, why, the pod's events and requests); a stack trace into the test runner adds nothing, so
 * it has none, and the report shows the message alone.
 */
export class ScenarioFailure extends Error {
  constructor(explanation: string) {
    super(explanation);
    this.name = "AssertionError";
    this.stack = "";
  }
}
