/**
 * The policy × scenario matrix: one row per scenario, one column per policy (and backend when a
 * run covers several), each cell the final outcome and whether it was the expected one.
 */
import { cellVerdict, type CellVerdict, type ScenarioRunResult } from "../assert/outcome-result.js";

export interface MatrixCell {
  verdict: CellVerdict;
  /** The last expect step's actual outcome, e.g. "running v1" or "waiting ImagePullBackOff". */
  outcome: string;
  expected: string | undefined;
  /** Invariants broken as the policy's definition says (S3 for PullWithFallback, …). */
  expectedViolations: string[];
  violations: string[];
  /** The first expect step that did not hold, when it is not the last one (the final outcome alone would hide it). */
  earlierFailure?: { step: number; actual: string; expected: string | undefined };
  /** Another backend reached a different outcome for the same scenario and policy (a finding). */
  disagrees?: boolean;
}

export interface Matrix {
  columns: Array<{ policy: string; backend: string }>;
  rows: Array<{ scenario: string; group: string; cells: Array<MatrixCell | undefined> }>;
  /** Cells where two backends disagree on the same scenario and policy. */
  disagreements: Array<{ scenario: string; policy: string; outcomes: Record<string, string> }>;
}

// Words, not emoji: emoji render as empty boxes where no emoji font is installed (CI, many terminals).
const MARK: Record<CellVerdict, string> = { passed: "ok", failed: "FAIL", unspecified: "unspecified", broken: "BROKEN" };

export function buildMatrix(results: ScenarioRunResult[], policyOrder: string[]): Matrix {
  const backends = [...new Set(results.map((r) => r.backend))].sort();
  const policies = policyOrder.filter((p) => results.some((r) => r.policy === p));
  const columns = policies.flatMap((policy) => backends.map((backend) => ({ policy, backend })));
  const scenarios = [...new Map(results.map((r) => [r.scenario, r.group])).entries()].sort(([a], [b]) => a.localeCompare(b));
  const rows = scenarios.map(([scenario, group]) => ({
    scenario,
    group,
    cells: columns.map(({ policy, backend }) => {
      const result = results.find((r) => r.scenario === scenario && r.policy === policy && r.backend === backend);
      return result ? toCell(result) : undefined;
    }),
  }));
  const disagreements: Matrix["disagreements"] = [];
  if (backends.length > 1) {
    for (const [scenario] of scenarios) {
      for (const policy of policies) {
        const outcomes: Record<string, string> = {};
        for (const r of results) if (r.scenario === scenario && r.policy === policy) outcomes[r.backend] = toCell(r).outcome;
        if (new Set(Object.values(outcomes)).size > 1) disagreements.push({ scenario, policy, outcomes });
      }
    }
  }
  const split = new Set(disagreements.map((d) => `${d.scenario}\u0000${d.policy}`));
  for (const row of rows) {
    row.cells.forEach((cell, i) => {
      if (cell && split.has(`${row.scenario}\u0000${columns[i]!.policy}`)) cell.disagrees = true;
    });
  }
  return { columns, rows, disagreements };
}

function toCell(result: ScenarioRunResult): MatrixCell {
  const last = result.expects[result.expects.length - 1];
  const firstFailed = result.expects.find((e) => e.verdict === "failed");
  return {
    ...(firstFailed && firstFailed !== last
      ? { earlierFailure: { step: firstFailed.stepIndex + 1, actual: firstFailed.actual, expected: firstFailed.expected } }
      : {}),
    verdict: cellVerdict(result),
    outcome: result.brokenBy ? "broken" : (last?.actual ?? "—"),
    expected: last?.expected,
    expectedViolations: result.invariants.filter((i) => i.verdict === "expectedViolation").map((i) => i.id),
    violations: result.invariants.filter((i) => i.verdict === "violated").map((i) => i.id),
  };
}

export function renderMatrixMarkdown(matrix: Matrix, title = "pullcheck: policy × scenario"): string {
  const multi = new Set(matrix.columns.map((c) => c.backend)).size > 1;
  const header = matrix.columns.map((c) => (multi ? `${c.policy} (${c.backend})` : c.policy));
  const lines = [`# ${title}`, "", MARKS_LEGEND, "", `| scenario | ${header.join(" | ")} |`, `|---|${header.map(() => "---").join("|")}|`];
  for (const row of matrix.rows) {
    const cells = row.cells.map((cell) => (cell ? cellText(cell) : "—"));
    lines.push(`| ${row.scenario} | ${cells.join(" | ")} |`);
  }
  if (matrix.disagreements.length > 0) {
    lines.push("", "## Backends disagree", "", "| scenario | policy | outcomes |", "|---|---|---|");
    for (const d of matrix.disagreements) {
      lines.push(
        `| ${d.scenario} | ${d.policy} | ${Object.entries(d.outcomes)
          .map(([b, o]) => `${b}: ${o}`)
          .join("; ")} |`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

const MARKS_LEGEND =
  "Each cell: the final outcome of the scenario's last `expect` step. `ok` as expected, `FAIL` not as expected or a security invariant broken (`S4 broken`; an earlier `expect` step that failed is named, `step 2: …`), `unspecified` no expectation written for this policy, `BROKEN` the run itself broke (infrastructure). `S3 by definition` marks an invariant the policy breaks by its own definition; `≠` marks a cell where the backends (simulation, real kubelet) disagree — a finding, listed again below.";

function cellText(cell: MatrixCell): string {
  const flags = [...cell.violations.map((v) => `${v} broken`), ...cell.expectedViolations.map((v) => `${v} by definition`), ...(cell.disagrees ? ["≠"] : [])];
  const earlier = cell.earlierFailure;
  const failedFirst = earlier ? `step ${earlier.step}: ${earlier.actual} (expected ${earlier.expected}); finally ` : "";
  const expected = cell.verdict === "failed" && !earlier && cell.expected ? ` (expected ${cell.expected})` : "";
  return `${MARK[cell.verdict]} ${failedFirst}${cell.outcome}${expected}${flags.length ? ` [${flags.join(", ")}]` : ""}`;
}

const COLOUR: Record<CellVerdict, string> = { passed: "#d4f7d4", failed: "#ffd0d0", unspecified: "#e8e8f4", broken: "#fff0b3" };

/** `links`: a line of links above the table (the report's landing page links to the Allure views). */
export function renderMatrixHtml(matrix: Matrix, title = "pullcheck: policy × scenario", links: Array<{ href: string; text: string }> = []): string {
  const nav = links.length ? `<p>${links.map((l) => `<a href="${esc(l.href)}">${esc(l.text)}</a>`).join(" · ")}</p>\n` : "";
  const multi = new Set(matrix.columns.map((c) => c.backend)).size > 1;
  const head = matrix.columns.map((c) => `<th>${esc(c.policy)}${multi ? `<br><small>${esc(c.backend)}</small>` : ""}</th>`).join("");
  const body = matrix.rows
    .map((row) => {
      const cells = row.cells
        .map((cell) => {
          if (!cell) return "<td>—</td>";
          const colour = cell.expectedViolations.length > 0 && cell.verdict !== "failed" ? "#ffe0b8" : COLOUR[cell.verdict];
          const tip = cell.expected ? `expected: ${cell.expected}` : "no expectation for this policy";
          const border = cell.disagrees ? ";outline:3px solid #7b2cbf;outline-offset:-3px" : "";
          return `<td style="background:${colour}${border}" title="${esc(tip)}${cell.disagrees ? " — backends disagree" : ""}">${esc(cellText(cell))}</td>`;
        })
        .join("");
      return `<tr><th style="text-align:left">${esc(row.scenario)}</th>${cells}</tr>`;
    })
    .join("\n");
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:13px system-ui,sans-serif}table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:3px 6px;vertical-align:top}</style></head>
<body><h1>${esc(title)}</h1>
${nav}<p>Green (ok): expected outcome. Red (FAIL): unexpected outcome, an earlier expect step that failed, or a security invariant broken. Orange: expected outcome, but the policy breaks an invariant by its own definition. Grey-blue (unspecified): no expectation written. Yellow (BROKEN): broken run. Purple frame (≠): the simulation and the real kubelet disagree on this scenario and policy.</p>
<table><thead><tr><th>scenario</th>${head}</tr></thead><tbody>
${body}
</tbody></table></body></html>\n`;
}

function esc(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}
