/** The toast region: a polite live region at the bottom of the screen. */
import { useSyncExternalStore } from "react";
import { dismissToast, getToasts, subscribeToasts } from "./toast";
import { t } from "../i18n";

export function Toasts() {
  const toasts = useSyncExternalStore(subscribeToasts, getToasts, getToasts);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast toast-${toast.tone}`}>
          <span>{toast.message}</span>
          {toast.action ? (
            <button
              type="button"
              className="btn btn-quiet"
              onClick={() => {
                toast.action?.run();
                dismissToast(toast.id);
              }}
            >
              {toast.action.label}
            </button>
          ) : null}
          <button type="button" className="btn btn-quiet toast-close" aria-label={t("ui.dismiss")} onClick={() => dismissToast(toast.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
