// Allure 3 report configuration (`make report`, `pullcheck report`): self-contained HTML files that
// open from disk without a server. `pullcheck report` passes what it read from the run in
// PULLCHECK_REPORT (JSON): the environment's versions, the cells where backends disagree, the
// matrix page and the history file. Without it (a plain `npx allure generate`) the report has no
// environment, no "simulation ≠ kubelet" category and no history.
import { defineConfig } from "allure";

const context = JSON.parse(process.env.PULLCHECK_REPORT ?? "{}");
const disagreeing = new Set((context.disagreements ?? []).map((d) => `${d.scenario}\u0000${d.policy}`));
const label = (labels, name) => labels.find((l) => l.name === name)?.value;

// One category per kind of finding, first match wins. The labels come from
// harness/report/allure-test-report.ts (`failure`, `scenario`, `policy`, `backend`).
const categories = [
  {
    name: "Simulation ≠ kubelet",
    matchers: (d) => disagreeing.has(`${label(d.labels, "scenario")}\u0000${label(d.labels, "policy")}`),
    groupBy: [{ label: "scenario" }],
    expand: true,
  },
  { name: "Security invariant broken", matchers: { statuses: ["failed"], labels: { failure: "^invariant$" } }, groupBy: [{ label: "policy" }] },
  { name: "Outcome differs from the scenario", matchers: { statuses: ["failed"], labels: { failure: "^outcome$" } }, groupBy: [{ label: "policy" }] },
  { name: "Infrastructure broken", matchers: { statuses: ["broken"] }, groupByMessage: true },
];

// One environment per backend, so the report can be read one backend at a time.
const environments = Object.fromEntries(
  Object.entries(context.backends ?? {}).map(([backend, variables]) => [
    backend,
    { name: backend, variables, matcher: ({ labels }) => label(labels, "backend") === backend },
  ]),
);

const awesome = (groupBy, reportName) => ({
  import: "@allurereport/plugin-awesome",
  options: { singleFile: true, reportName, reportLanguage: "en", groupBy },
});

export default defineConfig({
  name: "pullcheck conformance",
  output: "./reports/allure-report",
  categories,
  ...(Object.keys(environments).length > 1 ? { environments } : {}),
  variables: context.variables ?? {},
  ...(context.historyFile ? { historyPath: context.historyFile, appendHistory: true } : {}),
  ...(context.matrixFile ? { globalAttachments: [context.matrixFile] } : {}),
  plugins: {
    // By group and scenario, then one entry per policy and backend; and the same tests by policy.
    awesome: awesome(["parentSuite", "suite", "subSuite"], "pullcheck: imagePullPolicy conformance"),
    "by-policy": awesome(["policy", "backend", "parentSuite"], "pullcheck: by policy"),
  },
});
