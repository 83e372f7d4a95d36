/** The router: the layout, every registered feature route behind its guard, "/" and not-found. */
import { lazy, useMemo } from "react";
import { Link, Navigate, RouterProvider, createBrowserRouter } from "react-router";
import { useSession } from "../session/hooks";
import { Page } from "../ui";
import { Guard } from "./guards";
import { Layout } from "./Layout";
import { featureRoutes } from "./registry";
import { useIdleLock } from "./useIdleLock";

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
    <Page title="Page not found" narrow>
      <p>There is nothing at this address.</p>
      <p>
        <Link to="/">Go to the start page</Link>
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
