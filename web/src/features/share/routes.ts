/** The public share-link viewer, `/s/<link id>#<secret>`: no account needed. */
import type { FeatureRoute } from "../../app/routes";

export const shareRoutes: FeatureRoute[] = [{ path: "/s/:linkId", access: "public", load: () => import("./ShareViewerPage") }];
