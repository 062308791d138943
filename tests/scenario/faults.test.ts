/** Every fault kind: the syntax its docs row shows parses, is written back in the scenario's words, and has an effect the environment makes. */
import { describe, expect, it } from "vitest";
import { LineCounter, parseDocument } from "yaml";
import { Checker } from "../../harness/scenario/checker.js";
import { FAULT_KINDS, describeFault, faultEffect, parseFault } from "../../harness/scenario/faults/index.js";
import type { InputProblem } from "../../harness/support/errors.js";

function parse(text: string) {
  const lines = new LineCounter();
  const doc = parseDocument(`fault: ${text}`, { lineCounter: lines });
  const problems: InputProblem[] = [];
  const fault = parseFault(doc.toJS().fault, ["fault"], new Checker("f.yaml", doc, lines, problems));
  return { fault, problems };
}

const example = (syntax: string) => syntax.replace(/`/g, "").replace(/\\\|[a-z|\\]+/g, "");

describe("fault kinds", () => {
  it.each(FAULT_KINDS.map((k) => [k.kind, example(k.doc.syntax)]))("should parse the docs' example of %s (%s)", (kind, text) => {
    const { fault, problems } = parse(text);
    expect(problems).toEqual([]);
    expect(fault?.kind).toBe(kind);
    expect(faultEffect(fault!).by).toMatch(/^(toxiproxy|gate)$/);
  });

  it("should write faults back as the scenario spells them", () => {
    expect(
      ["{latency: 2s}", "{bandwidth: 64KiB/s}", "{cut: 1MiB}", "{stall: 500ms}", "{http: 429, on: manifests, retryAfter: 30s}", "down"].map((t) =>
        describeFault(parse(t).fault!),
      ),
    ).toEqual(["latency 2s", "bandwidth 64KiB/s", "cut 1MiB", "stall 500ms", "http 429 on manifests (retryAfter 30s)", "down"]);
  });

  it("should make a stall with Toxiproxy's timeout toxic, closing after the stall, and refuse a stall of 0s", () => {
    expect(faultEffect(parse("{stall: 500ms}").fault!)).toEqual({
      by: "toxiproxy",
      toxic: { type: "timeout", stream: "upstream", attributes: { timeout: 500 } },
    });
    const zero = parse("{stall: 0s}");
    expect(zero.fault).toBeUndefined();
    expect(zero.problems.map((p) => [p.path, p.message])).toEqual([["fault.stall", "stall must be longer than 0s"]]);
  });
});
