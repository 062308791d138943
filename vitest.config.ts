import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Integration tests start real processes on free ports; two cores are enough for two files at once.
    maxWorkers: 2,
    reporters: [
      "default",
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
