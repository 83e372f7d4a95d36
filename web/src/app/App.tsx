/** The router: the layout, every registered feature route behind its guard, "/" and not-found. */
import { lazy, useMemo } from "react";
import { Link, Navigate, RouterProvider, createBrowserRouter } from "react-router";
import { useSession } from "../session/hooks";
import { Page } from "../ui";
import { Guard } from "./guards";
import { Layout } from "./Layout";
import { featureRoutes } from "./registry";
import { useIdleLock } from "./useIdleLock";
import { t } from "../i18n";

function Home() {
  const session = useSession();
  if (session.status === "anonymous") return <Navigate to="/login" replace />;
  if (session.status === "locked") return <Navigate to="/unlock" replace />;
  const first = featureRoutes
    .filter((r) => r.nav && r.access === "unlocked")
    .sort((a, b) => (a.nav?.order ?? 0) - (b.nav?.order ?? 0))[0];
  return <Navigate to={first?.path ?? "/account"} replace />;
}

function NotFound() {
  return (
    <Page title={t("app.page_not_found")} narrow>
      <p>{t("app.there_is_nothing_at_this_address")}</p>
      <p>
        <Link to="/">{t("app.go_to_the_start_page")}</Link>
      </p>
    </Page>
  );
}

export function App() {
  useIdleLock();
  const router = useMemo(
    () =>
      createBrowserRouter([
        {
          element: <Layout />,
          children: [
            { index: true, element: <Home /> },
            ...featureRoutes.map((r) => {
              const Component = lazy(r.load);
              return {
                path: r.path,
                element: (
                  <Guard access={r.access}>
                    <Component />
                  </Guard>
                ),
              };
            }),
            { path: "*", element: <NotFound /> },
          ],
        },
      ]),
    [],
  );
  return <RouterProvider router={router} />;
}
