/** The owner's share links. */
import type { FeatureRoute } from "../../app/routes";

export const linksRoutes: FeatureRoute[] = [
  { path: "/links", access: "unlocked", load: () => import("./LinksPage"), nav: { label: "Share links", order: 40 } },
];
