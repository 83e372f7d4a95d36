/** Unlock a locked session with the password (locally: no server round trip). */
import { type SyntheticEvent, useState } from "react";
import { Navigate, useLocation, useNavigate } from "react-router";
import { returnPath } from "../../app/guards";
import { logout, unlock } from "../../session/auth";
import { useSession } from "../../session/hooks";
import { Alert, Button, Page, TextField, useFormErrors } from "../../ui";

export default function UnlockPage() {
  const session = useSession();
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const { errors, clear, fromError } = useFormErrors();
  const navigate = useNavigate();
  const location = useLocation();
  if (session.status === "anonymous") return <Navigate to="/login" replace />;
  if (session.status === "unlocked" && !busy) return <Navigate to={returnPath(location.state)} replace />;

  async function submit(event: SyntheticEvent) {
    event.preventDefault();
    clear();
    setBusy(true);
    try {
      await unlock(password);
      setPassword("");
      void navigate(returnPath(location.state), { replace: true });
    } catch (error) {
      fromError(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title="Unlock" narrow>
      <p>
        Your vault is locked. Enter the password of <strong>{session.account.email}</strong> to continue.
      </p>
      {errors.form ? <Alert>{errors.form}</Alert> : null}
      <form onSubmit={(e) => void submit(e)} className="form" noValidate>
        <TextField label="Password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required autoFocus />
        <div className="row">
          <Button type="submit" variant="primary" busy={busy}>
            {busy ? "Unlocking…" : "Unlock"}
          </Button>
          <Button variant="quiet" onClick={() => void logout().then(() => navigate("/login"))}>
            Log out instead
          </Button>
        </div>
      </form>
    </Page>
  );
}
