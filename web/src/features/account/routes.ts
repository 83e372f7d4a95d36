/** The account pages: sign-in flows (guest), and the account, security and settings pages. */
import type { FeatureRoute } from "../../app/routes";
import { t } from "../../i18n";

export const accountRoutes: FeatureRoute[] = [
  { path: "/login", access: "guest", load: () => import("./LoginPage") },
  { path: "/register", access: "public", load: () => import("./RegisterPage") },
  { path: "/recover", access: "public", load: () => import("./RecoverPage") },
  { path: "/unlock", access: "public", load: () => import("./UnlockPage") },
  { path: "/account", access: "unlocked", load: () => import("./AccountPage"), nav: { get label() { return t("account.account"); }, order: 90 } },
  { path: "/account/sessions", access: "unlocked", load: () => import("./SessionsPage") },
  { path: "/account/events", access: "unlocked", load: () => import("./EventsPage") },
  { path: "/account/export", access: "unlocked", load: () => import("./ExportPage") },
  { path: "/account/delete", access: "unlocked", load: () => import("./DeletePage") },
  { path: "/settings", access: "unlocked", load: () => import("./SettingsPage"), nav: { get label() { return t("account.settings"); }, order: 95 } },
];
