/** Families: the list with invitations, and one family. */
import type { FeatureRoute } from "../../app/routes";
import { t } from "../../i18n";

export const familiesRoutes: FeatureRoute[] = [
  { path: "/families", access: "unlocked", load: () => import("./FamiliesPage"), nav: { get label() { return t("families.families"); }, order: 30 } },
  { path: "/families/:familyId", access: "unlocked", load: () => import("./FamilyPage") },
];
