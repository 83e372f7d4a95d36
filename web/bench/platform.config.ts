// The platform benchmark (not a test suite): `make web-bench` runs bench/platform.bench.ts with
// the e2e servers and prints measured figures next to their targets.
import base from "../playwright.config";
import { defineConfig } from "@playwright/test";

export default defineConfig({
  ...base,
  testDir: ".",
  testMatch: "platform.bench.ts",
  globalSetup: "../e2e/global-setup.ts",
  outputDir: "../test-results/bench",
  reporter: [["list"]],
  workers: 1,
  timeout: 600_000,
});
