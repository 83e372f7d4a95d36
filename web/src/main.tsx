/** Entry point: install the token source, mount the app. */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { setTokenSource } from "./api/client";
import { App } from "./app/App";
import { browserLanguage, loadLanguage, setLanguage } from "./i18n";
import { loadPrefs } from "./session/prefs";
import { setAnonymous } from "./session/store";
import { onSessionExpired, tokenSource } from "./session/tokens";
import { registerServiceWorker } from "./pwa/register";
import "./styles.css";

setTokenSource(tokenSource);
// Before login: the language last used on this device, else the browser's (session/settings.ts
// applies the account's own language once unlocked).
const language = loadPrefs().language ?? browserLanguage();
await loadLanguage(language);
setLanguage(language);
// The server ended this session (revoked elsewhere, expired): forget keys and go to the login.
onSessionExpired(() => {
  setAnonymous("expired");
  window.location.assign("/login?expired=1");
});

// The built app works offline and installs as a PWA (web/pwa/sw.js); the dev server does not.
if (import.meta.env.PROD) void registerServiceWorker().catch(() => undefined);

const root = document.getElementById("root");
if (!root) throw new Error("index.html lacks #root");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
