/** Create an account: email and password, keys made in the browser, then the recovery phrase. */
import { type SyntheticEvent, useState } from "react";
import { Link, Navigate, useNavigate } from "react-router";
import { register } from "../../session/auth";
import { useSession } from "../../session/hooks";
import { Alert, Button, Page, TextField, useFormErrors } from "../../ui";
import { checkNewPassword } from "./passwords";
import { RecoveryPhrase } from "./RecoveryPhrase";

export default function RegisterPage() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  const [phrase, setPhrase] = useState<string>();
  const { errors, clear, fromError, setErrors } = useFormErrors();
  const navigate = useNavigate();
  const session = useSession();

  async function submit(event: SyntheticEvent) {
    event.preventDefault();
    clear();
    const problems: Record<string, string> = { ...checkNewPassword(password, confirm) };
    if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) problems.email = "Enter an email address such as name@example.org.";
    if (Object.keys(problems).length) {
      setErrors({ fields: problems, form: "Please correct the fields marked below." });
      return;
    }
    setBusy(true);
    try {
      const result = await register(email.trim(), password);
      setPassword("");
      setConfirm("");
      setPhrase(result.recoveryPhrase);
    } catch (error) {
      fromError(error);
    } finally {
      setBusy(false);
    }
  }

  if (phrase) {
    return (
      <Page title="Save your recovery phrase" narrow>
        <RecoveryPhrase phrase={phrase} email={email.trim()} onConfirmed={() => void navigate("/", { replace: true })} />
      </Page>
    );
  }
  // Public route: an existing session goes home (not while this page is creating the account).
  if (session.status !== "anonymous" && !busy) return <Navigate to="/" replace />;

  return (
    <Page title="Create your account" narrow>
      <p>Your records are encrypted in this browser with keys made from your password. The server never sees them.</p>
      {errors.form ? <Alert>{errors.form}</Alert> : null}
      <form onSubmit={(e) => void submit(e)} noValidate className="form">
        <TextField label="Email" type="email" name="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.fields.email} required />
        <TextField
          label="Password"
          type="password"
          name="new-password"
          autoComplete="new-password"
          hint="At least 10 characters. It cannot be reset without your recovery phrase."
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.fields.password}
          required
        />
        <TextField label="Repeat the password" type="password" name="confirm-password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} error={errors.fields.confirm} required />
        <Button type="submit" variant="primary" busy={busy}>
          {busy ? "Creating your keys…" : "Create account"}
        </Button>
      </form>
      <p className="aside">
        Already have an account? <Link to="/login">Log in</Link>.
      </p>
    </Page>
  );
}
