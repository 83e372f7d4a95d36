/** Families: the list with invitations, and one family. */
import type { FeatureRoute } from "../../app/routes";

export const familiesRoutes: FeatureRoute[] = [
  { path: "/families", access: "unlocked", load: () => import("./FamiliesPage"), nav: { label: "Families", order: 30 } },
  { path: "/families/:familyId", access: "unlocked", load: () => import("./FamilyPage") },
];
