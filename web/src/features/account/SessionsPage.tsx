/** Sessions and devices: where the account is logged in; revoke one or all others. */
import { useCallback, useEffect, useState } from "react";
import { Link } from "react-router";
import { type Schemas, api, errorMessage, ok } from "../../api/client";
import { Alert, Button, Loading, Page, showToast } from "../../ui";
import { formatDateTime } from "../../i18n/format";
import { t } from "../../i18n";

type Session = Schemas["SessionRead"];

export default function SessionsPage() {
  const [sessions, setSessions] = useState<Session[]>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<string>();

  const load = useCallback(
    () =>
      ok(api.GET("/api/v1/auth/sessions")).then(
        (body) => {
          setSessions(body.sessions);
          setError(undefined);
        },
        (e: unknown) => setError(errorMessage(e)),
      ),
    [],
  );
  useEffect(() => {
    let live = true;
    ok(api.GET("/api/v1/auth/sessions")).then(
      (body) => live && setSessions(body.sessions),
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, []);

  async function revoke(session: Session) {
    setBusy(session.id);
    try {
      await ok(api.DELETE("/api/v1/auth/sessions/{session_id}", { params: { path: { session_id: session.id } } }));
      showToast(t("account.signed_out_v0", { v0: session.device_name ?? "that device" }), { tone: "success" });
      await load();
    } catch (e) {
      showToast(errorMessage(e), { tone: "error" });
    } finally {
      setBusy(undefined);
    }
  }

  const others = sessions?.filter((s) => !s.current) ?? [];
  return (
    <Page title={t("account.sessions_and_devices")} actions={<Link to="/account">{t("account.back_to_account")}</Link>}>
      {error ? <Alert>{error}</Alert> : null}
      {!sessions && !error ? <Loading /> : null}
      {sessions ? (
        <div className="table-wrap">
          <table className="table">
            <caption>{t("account.devices_logged_in_to_your_account")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("account.device")}</th>
                <th scope="col">{t("account.signed_in")}</th>
                <th scope="col">{t("account.last_active")}</th>
                <th scope="col">
                  <span className="visually-hidden">{t("account.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.id}>
                  <td>
                    {s.device_name ?? t("account.unnamed_device")} {s.current ? <span className="badge">{t("account.this_device")}</span> : null}
                  </td>
                  <td>{formatDateTime(s.created_at)}</td>
                  <td>{formatDateTime(s.last_used_at)}</td>
                  <td>
                    {s.current ? null : (
                      <Button variant="danger" busy={busy === s.id} onClick={() => void revoke(s)} aria-label={t("account.sign_out_v0", { v0: s.device_name ?? "unnamed device" })}>
                        {t("account.sign_out")}
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {others.length > 1 ? (
        <Button
          variant="danger"
          onClick={() => {
            void (async () => {
              for (const s of others) await revoke(s);
            })();
          }}
        >
          {t("account.sign_out_all_other_devices")}
        </Button>
      ) : null}
    </Page>
  );
}
