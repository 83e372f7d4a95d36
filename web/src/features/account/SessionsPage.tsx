/** Sessions and devices: where the account is logged in; revoke one or all others. */
import { useCallback, useEffect, useState } from "react";
import { Link } from "react-router";
import { type Schemas, api, errorMessage, ok } from "../../api/client";
import { Alert, Button, Loading, Page, showToast } from "../../ui";
import { formatDateTime } from "../../i18n/format";

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
      showToast(`Signed out ${session.device_name ?? "that device"}.`, { tone: "success" });
      await load();
    } catch (e) {
      showToast(errorMessage(e), { tone: "error" });
    } finally {
      setBusy(undefined);
    }
  }

  const others = sessions?.filter((s) => !s.current) ?? [];
  return (
    <Page title="Sessions and devices" actions={<Link to="/account">Back to account</Link>}>
      {error ? <Alert>{error}</Alert> : null}
      {!sessions && !error ? <Loading /> : null}
      {sessions ? (
        <div className="table-wrap">
          <table className="table">
            <caption>Devices logged in to your account</caption>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Signed in</th>
                <th scope="col">Last active</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.id}>
                  <td>
                    {s.device_name ?? "Unnamed device"} {s.current ? <span className="badge">This device</span> : null}
                  </td>
                  <td>{formatDateTime(s.created_at)}</td>
                  <td>{formatDateTime(s.last_used_at)}</td>
                  <td>
                    {s.current ? null : (
                      <Button variant="danger" busy={busy === s.id} onClick={() => void revoke(s)} aria-label={`Sign out ${s.device_name ?? "unnamed device"}`}>
                        Sign out
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
          Sign out all other devices
        </Button>
      ) : null}
    </Page>
  );
}
