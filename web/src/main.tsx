/** Entry point: install the token source, mount the app. */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { setTokenSource } from "./api/client";
import { App } from "./app/App";
import { setAnonymous } from "./session/store";
import { onSessionExpired, tokenSource } from "./session/tokens";
import "./styles.css";

setTokenSource(tokenSource);
// The server ended this session (revoked elsewhere, expired): forget keys and go to the login.
onSessionExpired(() => {
  setAnonymous();
  window.location.assign("/login?expired=1");
});

const root = document.getElementById("root");
if (!root) throw new Error("index.html lacks #root");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
