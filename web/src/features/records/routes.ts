/** The profiles and records pages (collected in src/app/registry.ts). */
import type { FeatureRoute } from "../../app/routes";

export const recordsRoutes: FeatureRoute[] = [
  { path: "/profiles", access: "unlocked", load: () => import("./pages/ProfilesRoute"), nav: { label: "Profiles", order: 10 } },
  { path: "/profiles/:profileId", access: "unlocked", load: () => import("./pages/ProfileRecordsRoute") },
  { path: "/profiles/:profileId/:tab", access: "unlocked", load: () => import("./pages/ProfileRecordsRoute") },
];
