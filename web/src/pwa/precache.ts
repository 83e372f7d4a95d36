/**
 * The app shell the service worker (web/pwa/sw.js) keeps for offline use: computed at build time
 * from the files Vite wrote (scripts/pwa.ts), so each build precaches exactly its own hashed assets.
 */

/** What one build precaches, and the version that names its cache. */
export interface Precache {
  version: string;
  urls: string[];
}

/** Source maps, the worker itself and icons meant for the OS stay out of the shell. */
function inShell(file: string): boolean {
  if (file.endsWith(".map") || file === "sw.js") return false;
  if (file.startsWith(".") || file.includes("/.")) return false;
  return true;
}

/** FNV-1a (32 bits) as 8 hex digits: enough to tell two builds apart, not a security hash. */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/**
 * The shell of a build from its output files (paths relative to dist, "/" separated) and the
 * text of each file that has no content hash in its name (index.html, the manifest): "/" is
 * served as index.html, so it is precached under both names.
 */
export function precacheFor(files: readonly string[], unhashed: Readonly<Record<string, string>>): Precache {
  const urls = [...new Set(files.filter(inShell).map((f) => `/${f}`))].sort();
  const fingerprint = urls.join("\n") + "\n" + Object.keys(unhashed).sort().map((k) => `${k}\n${unhashed[k] ?? ""}`).join("\n");
  return { version: fnv1a(fingerprint), urls: urls.includes("/index.html") ? ["/", ...urls] : urls };
}
