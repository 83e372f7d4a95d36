/** The frame of every page: skip link, header with navigation and account actions, main, toasts. */
import { Suspense, useState } from "react";
import { Link, NavLink, Outlet, useNavigate } from "react-router";
import { lock } from "../session/auth";
import { useSession } from "../session/hooks";
import { Loading, Toasts } from "../ui";
import { featureRoutes } from "./registry";
import { INTERFACE_LANGUAGES, interfaceLanguage, setLanguage, t, useLanguage } from "../i18n";
import { savePrefs } from "../session/prefs";
import { OfflineBanner } from "../features/records/OfflineBanner";
import { LogOutButton } from "../features/records/LogOutButton";
import { UpdatePrompt } from "../pwa/UpdatePrompt";

export function Layout() {
  const session = useSession();
  const navigate = useNavigate();
  // Every text re-renders in a new language: the page below is mounted again under its key.
  const language = useLanguage();
  const [menuOpen, setMenuOpen] = useState(false);
  const nav = featureRoutes
    .filter((r) => r.nav && r.access === "unlocked")
    .sort((a, b) => (a.nav?.order ?? 0) - (b.nav?.order ?? 0));
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t("app.skip_to_content")}
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label={t("app.normogen_home")}>
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
              {t("app.menu")}
            </button>
            <nav id="main-nav" aria-label={t("app.main")} className={menuOpen ? "nav nav-open" : "nav"}>
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
                {t("app.lock")}
              </button>
              <LogOutButton className="btn btn-quiet" label={t("app.log_out")} />
            </div>
          </>
        ) : (
          <LanguageSwitcher language={language} />
        )}
      </header>
      <UpdatePrompt />
      {session.status === "unlocked" ? <OfflineBanner /> : null}
      <main id="main" className="main">
        <Suspense key={language} fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="footer">
        <p>{t("app.end_to_end_encrypted_your_records")}</p>
      </footer>
      <Toasts />
    </div>
  );
}

/**
 * Before login (and on the unlock page) the interface language is chosen here and remembered on
 * this device; once unlocked it is the account's setting (Settings).
 */
function LanguageSwitcher({ language }: { language: string }) {
  return (
    <label className="language-switcher">
      <span className="visually-hidden">{t("app.language")}</span>
      <select
        value={interfaceLanguage(language)}
        onChange={(e) => {
          savePrefs({ language: e.target.value });
          setLanguage(e.target.value);
        }}
      >
        {INTERFACE_LANGUAGES.map((l) => (
          <option key={l.value} value={l.value} lang={l.value}>
            {l.label}
          </option>
        ))}
      </select>
    </label>
  );
}
