// Allure 3 report configuration (`make report`, `pullcheck report`): one self-contained HTML file
// that opens from disk without a server.
import { defineConfig } from "allure";

export default defineConfig({
  name: "pullcheck conformance",
  output: "./reports/allure-report",
  plugins: {
    awesome: {
      options: {
        singleFile: true,
        reportName: "pullcheck: imagePullPolicy conformance",
        reportLanguage: "en",
        groupBy: ["parentSuite", "suite", "subSuite"],
      },
    },
  },
});
