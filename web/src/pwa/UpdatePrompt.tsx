/** "A new version is ready — reload": shown while a new build's worker waits (register.ts). */
import { useSyncExternalStore } from "react";
import { t } from "../i18n";
import { applyUpdate, subscribeUpdate, updateWaiting } from "./register";

export function UpdatePrompt() {
  const ready = useSyncExternalStore(subscribeUpdate, updateWaiting, () => false);
  if (!ready) return null;
  return (
    <div className="update-prompt" role="status">
      <span>{t("app.update_ready")}</span>
      <button type="button" className="btn btn-primary" onClick={applyUpdate}>
        {t("app.update_reload")}
      </button>
    </div>
  );
}
