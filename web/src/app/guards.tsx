/** Route guards: unlocked pages send anonymous users to /login and locked ones to /unlock. */
import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { useSession } from "../session/hooks";
import type { FeatureRoute } from "./routes";

export function Guard({ access, children }: { access: FeatureRoute["access"]; children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  const from = location.pathname + location.search;
  if (access === "unlocked") {
    if (session.status === "anonymous") return <Navigate to="/login" replace state={{ from }} />;
    if (session.status === "locked") return <Navigate to="/unlock" replace state={{ from }} />;
  }
  if (access === "guest" && session.status !== "anonymous") return <Navigate to="/" replace />;
  return <>{children}</>;
}

/** Where a redirect back should go (only same-app paths). */
export function returnPath(state: unknown, fallback = "/"): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === "string" && from.startsWith("/") && !from.startsWith("//") ? from : fallback;
}
