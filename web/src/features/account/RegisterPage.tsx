/** Create an account: email and password, keys made in the browser, then the recovery phrase. */
import { type SyntheticEvent, useEffect, useState } from "react";
import { prepareKdf } from "../../crypto";
import { Link, Navigate, useNavigate } from "react-router";
import { register } from "../../session/auth";
import { useSession } from "../../session/hooks";
import { Alert, Button, Page, TextField, useFormErrors } from "../../ui";
import { checkNewPassword } from "./passwords";
import { RecoveryPhrase } from "./RecoveryPhrase";
import { t, tx } from "../../i18n";

export default function RegisterPage() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  const [phrase, setPhrase] = useState<string>();
  const { errors, clear, fromError, setErrors } = useFormErrors();
  const navigate = useNavigate();
  const session = useSession();
  useEffect(prepareKdf, []);

  async function submit(event: SyntheticEvent) {
    event.preventDefault();
    clear();
    const problems: Record<string, string> = { ...checkNewPassword(password, confirm) };
    if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) problems.email = t("account.enter_an_email_address_such_as");
    if (Object.keys(problems).length) {
      setErrors({ fields: problems, form: t("account.please_correct_the_fields_marked_below") });
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
      <Page title={t("account.save_your_recovery_phrase")} narrow>
        <RecoveryPhrase phrase={phrase} email={email.trim()} onConfirmed={() => void navigate("/", { replace: true })} />
      </Page>
    );
  }
  // Public route: an existing session goes home (not while this page is creating the account).
  if (session.status !== "anonymous" && !busy) return <Navigate to="/" replace />;

  return (
    <Page title={t("account.create_your_account")} narrow>
      <p>{t("account.your_records_are_encrypted_in_this")}</p>
      {errors.form ? <Alert>{errors.form}</Alert> : null}
      <form onSubmit={(e) => void submit(e)} noValidate className="form">
        <TextField label={t("account.email")} type="email" name="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.fields.email} required />
        <TextField
          label={t("account.password")}
          type="password"
          name="new-password"
          autoComplete="new-password"
          hint={t("account.at_least_10_characters_it_cannot")}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.fields.password}
          required
        />
        <TextField label={t("account.repeat_the_password")} type="password" name="confirm-password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} error={errors.fields.confirm} required />
        <Button type="submit" variant="primary" busy={busy}>
          {busy ? t("account.creating_your_keys") : t("account.create_account")}
        </Button>
      </form>
      <p className="aside">
        {tx("account.already_have_an_account_log_in", { login: <Link to="/login">{t("account.log_in")}</Link> })}
      </p>
    </Page>
  );
}
