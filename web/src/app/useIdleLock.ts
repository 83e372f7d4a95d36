/**
 * Lock after the configured idle time (src/session/prefs.ts): any input resets the timer; a
 * hidden tab keeps counting (timestamps, not timer ticks, so a sleeping laptop locks on wake).
 */
import { useEffect } from "react";
import { lock } from "../session/auth";
import { useSession } from "../session/hooks";
import { loadPrefs } from "../session/prefs";

const EVENTS = ["pointerdown", "keydown", "wheel", "touchstart", "focus"] as const;

export function useIdleLock(): void {
  const session = useSession();
  const unlocked = session.status === "unlocked";
  useEffect(() => {
    if (!unlocked) return;
    let last = Date.now();
    const touch = () => {
      last = Date.now();
    };
    // Read the setting on every check, so a change in Settings applies at once.
    const check = () => {
      const minutes = loadPrefs().idleLockMinutes;
      if (minutes > 0 && Date.now() - last >= minutes * 60_000) lock();
    };
    for (const name of EVENTS) window.addEventListener(name, touch, { passive: true, capture: true });
    document.addEventListener("visibilitychange", check);
    const timer = setInterval(check, 10_000);
    return () => {
      for (const name of EVENTS) window.removeEventListener(name, touch, { capture: true });
      document.removeEventListener("visibilitychange", check);
      clearInterval(timer);
    };
  }, [unlocked]);
}
