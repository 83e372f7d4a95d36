/** The owner's share links. */
import type { FeatureRoute } from "../../app/routes";
import { t } from "../../i18n";

export const linksRoutes: FeatureRoute[] = [
  { path: "/links", access: "unlocked", load: () => import("./LinksPage"), nav: { get label() { return t("links.share_links"); }, order: 40 } },
];
