/** Reset a forgotten password with the recovery phrase; a new phrase replaces the used one. */
import { type SyntheticEvent, useState } from "react";
import { Link, Navigate, useNavigate } from "react-router";
import { recover } from "../../session/auth";
import { useSession } from "../../session/hooks";
import { Alert, Button, Page, TextArea, TextField, useFormErrors } from "../../ui";
import { checkNewPassword } from "./passwords";
import { RecoveryPhrase } from "./RecoveryPhrase";
import { t, tx } from "../../i18n";

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
      <Page title={t("account.your_new_recovery_phrase")} narrow>
        <Alert tone="success">{t("account.your_password_is_reset_the_phrase")}</Alert>
        <RecoveryPhrase phrase={newPhrase} email={email.trim()} onConfirmed={() => void navigate("/", { replace: true })} />
      </Page>
    );
  }
  if (session.status !== "anonymous" && !busy) return <Navigate to="/" replace />;

  async function submit(event: SyntheticEvent) {
    event.preventDefault();
    clear();
    const problems: Record<string, string> = { ...checkNewPassword(password, confirm) };
    if (!email.trim()) problems.email = t("account.enter_the_email_of_the_account");
    if (!phrase.trim()) problems.phrase = t("account.enter_your_recovery_phrase");
    if (Object.keys(problems).length) {
      setErrors({ fields: problems, form: t("account.please_correct_the_fields_marked_below") });
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
    <Page title={t("account.recover_your_account")} narrow>
      <p>{t("account.with_the_recovery_phrase_you_saved")}</p>
      {errors.form ? <Alert>{errors.form}</Alert> : null}
      <form onSubmit={(e) => void submit(e)} className="form" noValidate>
        <TextField label={t("account.email")} type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.fields.email} />
        <TextArea label={t("account.recovery_phrase")} hint={t("account.eight_groups_of_four_characters_spaces")} rows={2} spellCheck={false} autoComplete="off" value={phrase} onChange={(e) => setPhrase(e.target.value)} error={errors.fields.phrase} />
        <TextField label={t("account.new_password")} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} error={errors.fields.password} />
        <TextField label={t("account.repeat_the_new_password")} type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} error={errors.fields.confirm} />
        <Button type="submit" variant="primary" busy={busy}>
          {busy ? t("account.recovering") : t("account.reset_password")}
        </Button>
      </form>
      <p className="aside">
        {tx("account.remembered_it_log_in", { login: <Link to="/login">{t("account.log_in")}</Link> })}
      </p>
    </Page>
  );
}
