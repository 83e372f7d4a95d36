/** The account pages: sign-in flows (guest), and the account, security and settings pages. */
import type { FeatureRoute } from "../../app/routes";

export const accountRoutes: FeatureRoute[] = [
  { path: "/login", access: "guest", load: () => import("./LoginPage") },
  { path: "/register", access: "public", load: () => import("./RegisterPage") },
  { path: "/recover", access: "public", load: () => import("./RecoverPage") },
  { path: "/unlock", access: "public", load: () => import("./UnlockPage") },
  { path: "/account", access: "unlocked", load: () => import("./AccountPage"), nav: { label: "Account", order: 90 } },
  { path: "/account/sessions", access: "unlocked", load: () => import("./SessionsPage") },
  { path: "/account/events", access: "unlocked", load: () => import("./EventsPage") },
  { path: "/account/export", access: "unlocked", load: () => import("./ExportPage") },
  { path: "/account/delete", access: "unlocked", load: () => import("./DeletePage") },
  { path: "/settings", access: "unlocked", load: () => import("./SettingsPage"), nav: { label: "Settings", order: 95 } },
];
