/** The profiles and records pages (collected in src/app/registry.ts). */
import type { FeatureRoute } from "../../app/routes";
import { t } from "../../i18n";

export const recordsRoutes: FeatureRoute[] = [
  { path: "/profiles", access: "unlocked", load: () => import("./pages/ProfilesRoute"), nav: { get label() { return t("records.profiles"); }, order: 10 } },
  { path: "/profiles/:profileId", access: "unlocked", load: () => import("./pages/ProfileRecordsRoute") },
  { path: "/profiles/:profileId/:tab", access: "unlocked", load: () => import("./pages/ProfileRecordsRoute") },
];
