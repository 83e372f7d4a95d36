/**
 * Every feature's routes, in one list. A feature module exports its FeatureRoute[] from its own
 * routes.ts; add one import and one spread here (nothing else in src/app needs to change).
 * The first unlocked route with `nav` (lowest order) is where "/" leads after login.
 */
import { accountRoutes } from "../features/account/routes";
import { emergencyRoutes } from "../features/emergency/routes";
import { familiesRoutes } from "../features/families/routes";
import { linksRoutes } from "../features/links/routes";
import { recordsRoutes } from "../features/records/routes";
import { shareViewerRoutes } from "../features/share-viewer/routes";
import type { FeatureRoute } from "./routes";

export const featureRoutes: readonly FeatureRoute[] = [
  ...accountRoutes,
  ...recordsRoutes,
  ...shareViewerRoutes,
  ...linksRoutes,
  ...familiesRoutes,
  ...emergencyRoutes,
];
