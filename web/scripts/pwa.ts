// The Vite plugin that writes dist/sw.js: web/pwa/sw.js with this build's shell prepended.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "vite";
import { precacheFor } from "../src/pwa/precache";

const WORKER = join(resolve(dirname(fileURLToPath(import.meta.url)), ".."), "pwa", "sw.js");

export function serviceWorker(): Plugin {
  let publicDir = "";
  return {
    name: "normogen-service-worker",
    apply: "build",
    // After Vite's own plugins: index.html is in the bundle by then.
    enforce: "post",
    configResolved(config) {
      publicDir = config.publicDir;
    },
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle);
      const unhashed: Record<string, string> = {};
      for (const [name, item] of Object.entries(bundle)) {
        if (name.startsWith("assets/")) continue;
        if (item.type === "asset") unhashed[name] = typeof item.source === "string" ? item.source : Buffer.from(item.source).toString("base64");
      }
      // public/ is copied after the bundle: its files join the shell (the icons, the manifest).
      for (const name of ["manifest.webmanifest", "favicon.svg", "icons/icon-192.png", "icons/icon-512.png", "icons/maskable-192.png", "icons/maskable-512.png", "icons/apple-touch-icon.png"]) {
        files.push(name);
        unhashed[name] = readFileSync(join(publicDir, name)).toString("base64");
      }
      const { version, urls } = precacheFor(files, unhashed);
      const source = `const VERSION = ${JSON.stringify(version)};\nconst PRECACHE = ${JSON.stringify(urls)};\n${readFileSync(WORKER, "utf8")}`;
      this.emitFile({ type: "asset", fileName: "sw.js", source });
    },
  };
}
