/**
 * The page's side of the service worker (web/pwa/sw.js): register it, notice a new build
 * waiting, and activate it only when the user asks ("A new version is ready — reload"), then
 * reload once the new worker controls the page, so old and new code never mix.
 */

type Listener = () => void;

let waiting: ServiceWorker | null = null;
const listeners = new Set<Listener>();

function setWaiting(worker: ServiceWorker | null): void {
  waiting = worker;
  for (const l of listeners) l();
}

/** Whether a new version waits for the user's go-ahead (for useSyncExternalStore). */
export function updateWaiting(): boolean {
  return waiting !== null;
}

export function subscribeUpdate(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The user chose to reload: the waiting worker takes over, then the page loads the new build. */
export function applyUpdate(): void {
  const worker = waiting;
  if (worker === null) return;
  navigator.serviceWorker.addEventListener("controllerchange", () => window.location.reload(), { once: true });
  worker.postMessage({ type: "normogen:activate" });
}

function watch(registration: ServiceWorkerRegistration): void {
  // A worker that is already waiting (installed during an earlier visit) counts only when this
  // page runs under an older one; the first install has nothing to replace.
  if (registration.waiting && navigator.serviceWorker.controller) setWaiting(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const installing = registration.installing;
    installing?.addEventListener("statechange", () => {
      if (installing.state === "installed" && navigator.serviceWorker.controller) setWaiting(installing);
    });
  });
}

/** Register the worker (production builds; the dev server serves modules it could not cache). */
export async function registerServiceWorker(): Promise<void> {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/", updateViaCache: "none" });
  watch(registration);
  // Look for a new build when the app comes back to the foreground and every hour.
  const check = () => void registration.update().catch(() => undefined);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") check();
  });
  window.setInterval(check, 60 * 60 * 1000);
}
