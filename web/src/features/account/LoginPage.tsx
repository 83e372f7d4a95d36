/** Log in: email and password; the KDF runs in a worker while the page shows progress. */
import { type SyntheticEvent, useState } from "react";
import { Link, useLocation, useNavigate, useSearchParams } from "react-router";
import { returnPath } from "../../app/guards";
import { ApiError } from "../../api/client";
import { login } from "../../session/auth";
import { loadPrefs, savePrefs } from "../../session/prefs";
import { Alert, Button, Checkbox, Page, TextField, useFormErrors } from "../../ui";

export default function LoginPage() {
  const remembered = loadPrefs().rememberedEmail;
  const [email, setEmail] = useState(remembered ?? "");
  const [password, setPassword] = useState("");
  const [remember, setRemember] = useState(remembered !== null);
  const [busy, setBusy] = useState(false);
  const { errors, clear, fromError, setErrors } = useFormErrors();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();

  async function submit(event: SyntheticEvent) {
    event.preventDefault();
    clear();
    if (!email.trim() || !password) {
      setErrors({ fields: { ...(email.trim() ? {} : { email: "Enter your email address." }), ...(password ? {} : { password: "Enter your password." }) }, form: undefined });
      return;
    }
    setBusy(true);
    try {
      await login(email.trim(), password);
      savePrefs({ rememberedEmail: remember ? email.trim() : null });
      setPassword("");
      void navigate(returnPath(location.state), { replace: true });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        setErrors({ fields: {}, form: "The email or password is not right." });
      } else {
        fromError(error);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title="Log in" narrow>
      {params.get("expired") ? <Alert tone="info">Your session ended. Please log in again.</Alert> : null}
      {errors.form ? <Alert>{errors.form}</Alert> : null}
      <form onSubmit={(e) => void submit(e)} noValidate className="form">
        <TextField label="Email" type="email" name="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.fields.email} required />
        <TextField label="Password" type="password" name="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} error={errors.fields.password} required />
        <Checkbox label="Remember my email on this device" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
        <Button type="submit" variant="primary" busy={busy}>
          {busy ? "Unlocking…" : "Log in"}
        </Button>
      </form>
      <p className="aside">
        New here? <Link to="/register">Create an account</Link>. Forgot your password? <Link to="/recover">Use your recovery phrase</Link>.
      </p>
    </Page>
  );
}
