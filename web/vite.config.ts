// Vite build and dev server; Vitest reads its `test` block. The dev server proxies /api like
// the production web server (backend/src/normogen/web/), so the app is always same-origin.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";
import { serviceWorker } from "./scripts/pwa";

const apiTarget = process.env.NORMOGEN_API_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react(), serviceWorker()],
  build: {
    target: "es2022",
    sourcemap: true,
    // Everything is served by us: no CDN, no inlined data: URLs that a strict CSP would refuse.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 600,
  },
  worker: { format: "es" },
  server: {
    port: 5173,
    strictPort: false,
    proxy: { "/api": { target: apiTarget, changeOrigin: false } },
  },
  test: {
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
    environment: "node",
    testTimeout: 60_000,
  },
});
