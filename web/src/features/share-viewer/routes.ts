/** The public share-link viewer, `/s/<link id>#<key>`: no account; its own small bundle. */
import type { FeatureRoute } from "../../app/routes";

export const shareViewerRoutes: FeatureRoute[] = [
  { path: "/s/:linkId", access: "public", load: () => import("./ShareViewerPage") },
];
