import { describe, expect, it } from "vitest";
import { fnv1a, precacheFor } from "./precache";

const BUILD = ["index.html", "assets/index-AbC123.js", "assets/index-AbC123.js.map", "assets/index-Zz9.css", "manifest.webmanifest", "icons/icon-192.png", "sw.js", "favicon.svg"];

describe("precacheFor", () => {
  it("keeps the shell: the page under / and its name, the hashed assets, icons and manifest; no maps, no worker", () => {
    const { urls } = precacheFor(BUILD, { "index.html": "<html>a</html>" });
    expect(urls).toEqual([
      "/",
      "/assets/index-AbC123.js",
      "/assets/index-Zz9.css",
      "/favicon.svg",
      "/icons/icon-192.png",
      "/index.html",
      "/manifest.webmanifest",
    ]);
  });

  it("names a new version when an asset's hash or an unhashed file changes, and the same one for the same build", () => {
    const base = precacheFor(BUILD, { "index.html": "<html>a</html>" }).version;
    expect(precacheFor([...BUILD].reverse(), { "index.html": "<html>a</html>" }).version).toBe(base);
    expect(precacheFor(BUILD.map((f) => f.replace("AbC123", "AbC124")), { "index.html": "<html>a</html>" }).version).not.toBe(base);
    expect(precacheFor(BUILD, { "index.html": "<html>b</html>" }).version).not.toBe(base);
  });

  it("hashes with 32-bit FNV-1a (published test values)", () => {
    expect(fnv1a("")).toBe("811c9dc5");
    expect(fnv1a("a")).toBe("e40c292c");
    expect(fnv1a("foobar")).toBe("bf9cf968");
  });
});
