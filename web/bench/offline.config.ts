// The offline benchmark (not a test suite): `make web-bench-offline` runs bench/offline.bench.ts
// with the e2e servers and prints the figures next to the same-run floor.
import base from "../playwright.config";
import { defineConfig } from "@playwright/test";

export default defineConfig({
  ...base,
  testDir: ".",
  testMatch: "offline.bench.ts",
  globalSetup: "../e2e/global-setup.ts",
  outputDir: "../test-results/bench-offline",
  reporter: [["list"]],
  workers: 1,
  timeout: 1_800_000,
});
