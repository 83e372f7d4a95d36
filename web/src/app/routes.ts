/** What a feature module declares for each of its pages (collected in src/app/registry.ts). */
import type { ComponentType } from "react";

export interface FeatureRoute {
  /** React Router path, e.g. "/profiles/:profileId". */
  path: string;
  /**
   * Who may open it: "unlocked" (keys in memory; otherwise to /login or /unlock), "guest" (only
   * without a session: login, register), "public" (anyone: the share viewer).
   */
  access: "unlocked" | "guest" | "public";
  /** The page component, loaded on first visit (keeps the initial bundle small). */
  load: () => Promise<{ default: ComponentType }>;
  /** Listed in the main navigation when set (ascending `order`). */
  nav?: { label: string; order: number };
}
