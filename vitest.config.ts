import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Integration tests start real processes on free ports; two cores are enough for two files at once.
    maxWorkers: 2,
    // The catalogue runs this many tests at once, each with its own environment (see world-pool.ts);
    // \`pullcheck run --parallel N\` overrides it.
    maxConcurrency: 4,
    reporters: [
      "default",
      // Read by .ci/run, which prints the failures again at the very end of a failed run.
      ["json", { outputFile: "test-results/vitest.json" }],
      [
        "allure-vitest/reporter",
        {
          resultsDir: "./allure-results",
          environmentInfo: { node: process.version, platform: process.platform },
        },
      ],
    ],
  },
});
