// The records benchmark (not a test suite): `make web-bench-records` runs bench/records.bench.ts
// with the e2e servers and prints measured figures next to their targets.
import base from "../playwright.config";
import { defineConfig } from "@playwright/test";

export default defineConfig({
  ...base,
  testDir: ".",
  testMatch: "records.bench.ts",
  globalSetup: "../e2e/global-setup.ts",
  outputDir: "../test-results/bench-records",
  reporter: [["list"]],
  workers: 1,
  timeout: 1_800_000,
});
