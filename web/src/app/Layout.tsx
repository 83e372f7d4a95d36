/** The frame of every page: skip link, header with navigation and account actions, main, toasts. */
import { Suspense, useState } from "react";
import { Link, NavLink, Outlet, useNavigate } from "react-router";
import { lock, logout } from "../session/auth";
import { useSession } from "../session/hooks";
import { Loading, Toasts } from "../ui";
import { featureRoutes } from "./registry";

export function Layout() {
  const session = useSession();
  const navigate = useNavigate();
  const [menuOpen, setMenuOpen] = useState(false);
  const nav = featureRoutes
    .filter((r) => r.nav && r.access === "unlocked")
    .sort((a, b) => (a.nav?.order ?? 0) - (b.nav?.order ?? 0));
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="Normogen home">
          <img src="/favicon.svg" alt="" width="28" height="28" />
          <span>Normogen</span>
        </Link>
        {session.status === "unlocked" ? (
          <>
            <button
              type="button"
              className="btn btn-quiet menu-toggle"
              aria-expanded={menuOpen}
              aria-controls="main-nav"
              onClick={() => setMenuOpen((o) => !o)}
            >
              Menu
            </button>
            <nav id="main-nav" aria-label="Main" className={menuOpen ? "nav nav-open" : "nav"}>
              <ul>
                {nav.map((r) => (
                  <li key={r.path}>
                    <NavLink to={r.path} onClick={() => setMenuOpen(false)}>
                      {r.nav?.label}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </nav>
            <div className="account-actions">
              <span className="account-email" title={session.account.email}>
                {session.account.email}
              </span>
              <button
                type="button"
                className="btn btn-quiet"
                onClick={() => {
                  lock();
                  void navigate("/unlock");
                }}
              >
                Lock
              </button>
              <button
                type="button"
                className="btn btn-quiet"
                onClick={() => {
                  void logout().then(() => navigate("/login"));
                }}
              >
                Log out
              </button>
            </div>
          </>
        ) : null}
      </header>
      <main id="main" className="main">
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="footer">
        <p>End-to-end encrypted: your records are encrypted in this browser before they are sent.</p>
      </footer>
      <Toasts />
    </div>
  );
}
