/**
 * A page: sets the document title, renders the one h1, and moves focus to it after navigation
 * so screen-reader users hear where they are.
 */
import { type ReactNode, useEffect, useRef } from "react";
import { t } from "../i18n";

export function Page({ title, actions, children, narrow = false }: { title: string; actions?: ReactNode; children: ReactNode; narrow?: boolean }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Normogen`;
    heading.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <div className={`page${narrow ? " page-narrow" : ""}`}>
      <div className="page-head">
        <h1 ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </div>
      {children}
    </div>
  );
}

/** A friendly empty state: what is missing and the one action that fills it. */
export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <section className="empty">
      <h2>{title}</h2>
      {children}
      {action ? <div className="empty-action">{action}</div> : null}
    </section>
  );
}

/** A loading line (announced politely). */
export function Loading({ label = t("ui.loading") }: { label?: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" /> {label}
    </p>
  );
}
