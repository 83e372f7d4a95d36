/** The emergency card of a profile. */
import type { FeatureRoute } from "../../app/routes";

export const emergencyRoutes: FeatureRoute[] = [
  { path: "/emergency", access: "unlocked", load: () => import("./EmergencyPage"), nav: { label: "Emergency card", order: 45 } },
];
