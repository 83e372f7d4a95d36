// One API + web server pair for the whole run; tests read NORMOGEN_WEB_URL / NORMOGEN_API_URL
// (and NORMOGEN_DATA_DIR, to reach the database as an attacker holding the server would).
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startServers } from "./servers";

export default async function globalSetup(): Promise<() => Promise<void>> {
  const dist = join(resolve(dirname(fileURLToPath(import.meta.url)), ".."), "dist", "index.html");
  if (!existsSync(dist)) throw new Error("web/dist is missing: run `make web-build` (or `npm run build`) first");
  const servers = await startServers();
  process.env.NORMOGEN_WEB_URL = servers.webUrl;
  process.env.NORMOGEN_API_URL = servers.apiUrl;
  process.env.NORMOGEN_DATA_DIR = servers.dataDir;
  return servers.stop;
}
