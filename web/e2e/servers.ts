// Start and stop a real API server (`normogen serve`, embedded SecantusDB in a temporary
// directory) and the web server (`normogen web`) on free loopback ports.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const WEB = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ROOT = resolve(WEB, "..");

export interface Servers {
  apiUrl: string;
  webUrl: string;
  /** The API's --data-dir: its embedded database announces its URI there (engine.json). */
  dataDir: string;
  stop: () => Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

async function waitFor(url: string, child: ChildProcess, what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not become ready at ${url}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.once("exit", () => {
      clearTimeout(timer);
      done();
    });
    child.kill("SIGINT");
  });
}

/**
 * Start another `normogen web` in front of a running API, serving `dist` (a test's own copy of
 * the build, which it may change to play a new release).
 */
export async function startWebServer(dist: string, apiUrl: string): Promise<{ webUrl: string; stop: () => Promise<void> }> {
  const bin = process.env.NORMOGEN_BIN ?? join(ROOT, ".venv", "bin", "normogen");
  const port = await freePort();
  const log = process.env.E2E_SERVER_LOGS ? "inherit" : "ignore";
  const web = spawn(bin, ["web", "--dist", dist, "--port", String(port), "--api-url", apiUrl], {
    cwd: join(ROOT, "backend"),
    stdio: ["ignore", log, log],
    env: { ...process.env, LOG_LEVEL: "warning" },
  });
  const webUrl = `http://127.0.0.1:${port}`;
  const stop = () => stopChild(web);
  try {
    await waitFor(`${webUrl}/health`, web, "normogen web");
  } catch (error) {
    await stop();
    throw error;
  }
  return { webUrl, stop };
}

/** Start both servers; `env` overrides the API's settings. */
export async function startServers(env: Record<string, string> = {}): Promise<Servers> {
  const bin = process.env.NORMOGEN_BIN ?? join(ROOT, ".venv", "bin", "normogen");
  const dataDir = mkdtempSync(join(tmpdir(), "normogen-e2e-"));
  const [apiPort, webPort] = [await freePort(), await freePort()];
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const webUrl = `http://127.0.0.1:${webPort}`;
  const log = process.env.E2E_SERVER_LOGS ? "inherit" : "ignore";
  const api = spawn(bin, ["serve", "--data-dir", dataDir], {
    cwd: join(ROOT, "backend"),
    stdio: ["ignore", log, log],
    env: {
      ...process.env,
      NORMOGEN_ENV: "development",
      SERVER_HOST: "127.0.0.1",
      SERVER_PORT: String(apiPort),
      JWT_SECRET: randomBytes(48).toString("base64url"),
      // Every browser test reaches the API from 127.0.0.1 through the web server: per-IP limits
      // meant for the internet would throttle the suite itself.
      AUTH_RATE_LIMIT_REQUESTS: "100000",
      RATE_LIMIT_REQUESTS: "1000000",
      LINK_RATE_LIMIT_REQUESTS: "100000",
      SHUTDOWN_DRAIN_SECONDS: "0",
      LOG_LEVEL: "warning",
      ...env,
    },
  });
  const web = spawn(bin, ["web", "--dist", join(WEB, "dist"), "--port", String(webPort), "--api-url", apiUrl], {
    cwd: join(ROOT, "backend"),
    stdio: ["ignore", log, log],
    env: { ...process.env, LOG_LEVEL: "warning" },
  });
  const stop = async () => {
    await Promise.all([stopChild(web), stopChild(api)]);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(`${apiUrl}/ready`, api, "normogen serve");
    await waitFor(`${webUrl}/api/v1/server`, web, "normogen web");
  } catch (error) {
    await stop();
    throw error;
  }
  return { apiUrl, webUrl, dataDir, stop };
}
