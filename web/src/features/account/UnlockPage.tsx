/** Unlock a locked session with the password (locally: no server round trip). */
import { type SyntheticEvent, useEffect, useState } from "react";
import { Navigate, useLocation, useNavigate } from "react-router";
import { prepareKdf } from "../../crypto";
import { returnPath } from "../../app/guards";
import { unlock } from "../../session/auth";
import { LogOutButton } from "../records/LogOutButton";
import { useSession } from "../../session/hooks";
import { Alert, Button, Page, TextField, useFormErrors } from "../../ui";
import { t, tx } from "../../i18n";

export default function UnlockPage() {
  const session = useSession();
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const { errors, clear, fromError } = useFormErrors();
  const navigate = useNavigate();
  const location = useLocation();
  useEffect(prepareKdf, []);
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
    <Page title={t("account.unlock")} narrow>
      <p>
        {tx("account.vault_locked", { email: <strong>{session.account.email}</strong> })}
      </p>
      {errors.form ? <Alert>{errors.form}</Alert> : null}
      <form onSubmit={(e) => void submit(e)} className="form" noValidate>
        <TextField label={t("account.password")} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required autoFocus />
        <div className="row">
          <Button type="submit" variant="primary" busy={busy}>
            {busy ? t("account.unlocking") : t("account.unlock")}
          </Button>
          <LogOutButton className="btn btn-quiet" label={t("account.log_out_instead")} />
        </div>
      </form>
    </Page>
  );
}
