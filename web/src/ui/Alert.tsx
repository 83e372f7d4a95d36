/** Inline messages: an error (announced at once), a warning, or information. */
import type { ReactNode } from "react";

export function Alert({ tone = "error", title, children }: { tone?: "error" | "warning" | "info" | "success"; title?: string; children?: ReactNode }) {
  return (
    <div className={`alert alert-${tone}`} role={tone === "error" ? "alert" : "status"}>
      {title ? <p className="alert-title">{title}</p> : null}
      {children}
    </div>
  );
}
