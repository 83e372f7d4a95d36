/** The emergency card of a profile. */
import type { FeatureRoute } from "../../app/routes";
import { t } from "../../i18n";

export const emergencyRoutes: FeatureRoute[] = [
  { path: "/emergency", access: "unlocked", load: () => import("./EmergencyPage"), nav: { get label() { return t("emergency.emergency_card"); }, order: 45 } },
];
