/// <reference types="node" />
/**
 * A real `normogen serve` for integration tests (development mode, embedded database in a
 * temporary directory, a free port), and a logged-in `Http` for a freshly registered user.
 */

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { afterAll, beforeAll, beforeEach, vi } from "vitest";
import type { AccountKeys } from "../../../crypto";
import { createAccount } from "../../../crypto";
import type { PinStorage } from "../../families/trust";
import type { Http } from "../apiSource";

const REPO = resolve(import.meta.dirname, "../../../../..");

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      srv.close(() => ok(port));
    });
  });
}

export interface TestServer {
  url: string;
  stop: () => Promise<void>;
}

/** One server for the whole test file: started before its tests, stopped after them. */
export function serverForThisFile(): { readonly url: string } {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startServer();
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  }, 60_000);
  return {
    get url(): string {
      if (!server) throw new Error("the test server is not running (use it inside a test)");
      return server.url;
    },
  };
}

/** Storage in memory, for a trust store or in place of the browser's localStorage. */
export function memoryStorage(): PinStorage {
  const data = new Map<string, string>();
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
}

/** A fresh localStorage for each test: the families feature keeps the highest family epoch seen
 * there (families/deviceState.ts). */
export function freshLocalStorage(): void {
  beforeEach(() => {
    vi.stubGlobal("localStorage", memoryStorage());
  });
}

/** Start the server and wait until /ready answers 200 (the migration has run). */
export async function startServer(extraEnv: Record<string, string> = {}): Promise<TestServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "normogen-web-test-"));
  const child = spawn(join(REPO, ".venv/bin/normogen"), ["serve", "--data-dir", dataDir], {
    cwd: join(REPO, "backend"),
    env: {
      ...process.env,
      NORMOGEN_ENV: "development",
      SERVER_HOST: "127.0.0.1",
      SERVER_PORT: String(port),
      LOG_LEVEL: "warning",
      RATE_LIMIT_REQUESTS: "100000",
      ...extraEnv,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((ok) => child.once("exit", ok));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`normogen serve exited: ${stderr}`);
    try {
      const res = await fetch(`${url}/ready`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new Error(`normogen serve did not become ready: ${stderr}`);
    }
    await new Promise((ok) => setTimeout(ok, 200));
  }
  return {
    url,
    stop: async () => {
      // A second SIGTERM skips the drain delay (README "Graceful shutdown").
      child.kill("SIGTERM");
      child.kill("SIGTERM");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `Http` against `url` with a bearer token. */
export function bearerHttp(url: string, token: string): Http {
  return {
    async request(method, path, init) {
      const headers: Record<string, string> = { Authorization: `Bearer ${token}`, ...init?.headers };
      let body: string | undefined;
      if (init?.body !== undefined) {
        headers["Content-Type"] = "application/json";
        body = JSON.stringify(init.body);
      }
      const res = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
      const text = await res.text();
      return { status: res.status, body: text === "" ? null : (JSON.parse(text) as unknown) };
    },
  };
}

export interface TestUser {
  email: string;
  keys: AccountKeys;
  http: Http;
  /** The raw response text of a request (to check what the server holds). */
  raw: (path: string) => Promise<string>;
}

let counter = 0;

/** Register a new account through the real API and log it in. */
export async function registerUser(url: string, password = "correct horse battery staple"): Promise<TestUser> {
  counter += 1;
  const email = `records-${Date.now()}-${counter}-${Math.random().toString(36).slice(2)}@example.org`;
  const { registration, keys } = await createAccount(password);
  const res = await fetch(`${url}/api/v1/auth/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ...registration, email }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (res.status !== 201 && res.status !== 200) throw new Error(`register: ${res.status} ${JSON.stringify(body)}`);
  const token = body.access_token;
  if (token === undefined) throw new Error("register returned no access token");
  return {
    email,
    keys,
    http: bearerHttp(url, token),
    raw: async (path) => (await fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${token}` } })).text(),
  };
}
