/** Reset a forgotten password with the recovery phrase; a new phrase replaces the used one. */
import { type SyntheticEvent, useState } from "react";
import { Link, Navigate, useNavigate } from "react-router";
import { recover } from "../../session/auth";
import { useSession } from "../../session/hooks";
import { Alert, Button, Page, TextArea, TextField, useFormErrors } from "../../ui";
import { checkNewPassword } from "./passwords";
import { RecoveryPhrase } from "./RecoveryPhrase";

export default function RecoverPage() {
  const session = useSession();
  const [email, setEmail] = useState("");
  const [phrase, setPhrase] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  const [newPhrase, setNewPhrase] = useState<string>();
  const { errors, clear, fromError, setErrors } = useFormErrors();
  const navigate = useNavigate();

  if (newPhrase) {
    return (
      <Page title="Your new recovery phrase" narrow>
        <Alert tone="success">Your password is reset. The phrase you used is spent; here is its replacement.</Alert>
        <RecoveryPhrase phrase={newPhrase} email={email.trim()} onConfirmed={() => void navigate("/", { replace: true })} />
      </Page>
    );
  }
  if (session.status !== "anonymous" && !busy) return <Navigate to="/" replace />;

  async function submit(event: SyntheticEvent) {
    event.preventDefault();
    clear();
    const problems: Record<string, string> = { ...checkNewPassword(password, confirm) };
    if (!email.trim()) problems.email = "Enter the email of the account.";
    if (!phrase.trim()) problems.phrase = "Enter your recovery phrase.";
    if (Object.keys(problems).length) {
      setErrors({ fields: problems, form: "Please correct the fields marked below." });
      return;
    }
    setBusy(true);
    try {
      const result = await recover(email.trim(), phrase, password);
      setPhrase("");
      setPassword("");
      setConfirm("");
      setNewPhrase(result.recoveryPhrase);
    } catch (error) {
      fromError(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title="Recover your account" narrow>
      <p>With the recovery phrase you saved when you created the account, you can choose a new password. Your records stay as they are.</p>
      {errors.form ? <Alert>{errors.form}</Alert> : null}
      <form onSubmit={(e) => void submit(e)} className="form" noValidate>
        <TextField label="Email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.fields.email} />
        <TextArea label="Recovery phrase" hint="Eight groups of four characters; spaces, dashes and case do not matter." rows={2} spellCheck={false} autoComplete="off" value={phrase} onChange={(e) => setPhrase(e.target.value)} error={errors.fields.phrase} />
        <TextField label="New password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} error={errors.fields.password} />
        <TextField label="Repeat the new password" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} error={errors.fields.confirm} />
        <Button type="submit" variant="primary" busy={busy}>
          {busy ? "Recovering…" : "Reset password"}
        </Button>
      </form>
      <p className="aside">
        Remembered it? <Link to="/login">Log in</Link>.
      </p>
    </Page>
  );
}
