/** Account overview: identity, password, recovery phrase, and links to sessions, events, export, deletion. */
import { type SyntheticEvent, useState } from "react";
import { Link } from "react-router";
import { changePassword, regenerateRecovery } from "../../session/auth";
import { useUnlocked } from "../../session/hooks";
import { Alert, Button, Dialog, Page, TextField, showToast, useFormErrors } from "../../ui";
import { checkNewPassword } from "./passwords";
import { RecoveryPhrase } from "./RecoveryPhrase";
import { SafetyFingerprint } from "./SafetyFingerprint";
import { t } from "../../i18n";

function ChangePasswordForm() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  const { errors, clear, fromError, setErrors } = useFormErrors();

  async function submit(event: SyntheticEvent) {
    event.preventDefault();
    clear();
    const problems: Record<string, string> = { ...checkNewPassword(next, confirm) };
    if (!current) problems.current = t("account.enter_your_current_password");
    if (Object.keys(problems).length) {
      setErrors({ fields: problems, form: undefined });
      return;
    }
    setBusy(true);
    try {
      await changePassword(current, next);
      setCurrent("");
      setNext("");
      setConfirm("");
      showToast(t("account.password_changed_your_other_devices_have"), { tone: "success" });
    } catch (error) {
      fromError(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="form" noValidate aria-labelledby="change-password">
      <h2 id="change-password">{t("account.change_password")}</h2>
      {errors.form ? <Alert>{errors.form}</Alert> : null}
      <TextField label={t("account.current_password")} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} error={errors.fields.current} />
      <TextField label={t("account.new_password")} type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} error={errors.fields.password} />
      <TextField label={t("account.repeat_the_new_password")} type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} error={errors.fields.confirm} />
      <Button type="submit" variant="primary" busy={busy}>
        {t("account.change_password")}
      </Button>
    </form>
  );
}

function RecoverySection({ email }: { email: string }) {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [phrase, setPhrase] = useState<string>();
  const { errors, clear, fromError } = useFormErrors();

  async function submit(event: SyntheticEvent) {
    event.preventDefault();
    clear();
    setBusy(true);
    try {
      setPhrase(await regenerateRecovery(password));
      setPassword("");
      setOpen(false);
    } catch (error) {
      fromError(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="recovery-heading">
      <h2 id="recovery-heading">{t("account.recovery_phrase")}</h2>
      {phrase ? (
        <RecoveryPhrase
          phrase={phrase}
          email={email}
          onConfirmed={() => {
            setPhrase(undefined);
            showToast(t("account.new_recovery_phrase_saved"), { tone: "success" });
          }}
        />
      ) : (
        <>
          <p>{t("account.if_you_lost_your_recovery_phrase")}</p>
          <Button onClick={() => setOpen(true)}>{t("account.make_a_new_recovery_phrase")}</Button>
        </>
      )}
      <Dialog open={open} title={t("account.make_a_new_recovery_phrase")} onClose={() => setOpen(false)}>
        <form onSubmit={(e) => void submit(e)} className="form" noValidate>
          {errors.form ? <Alert>{errors.form}</Alert> : null}
          <TextField label={t("account.your_password")} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          <div className="row">
            <Button type="submit" variant="primary" busy={busy}>
              {t("account.make_new_phrase")}
            </Button>
            <Button variant="quiet" onClick={() => setOpen(false)}>
              {t("account.cancel")}
            </Button>
          </div>
        </form>
      </Dialog>
    </section>
  );
}

export default function AccountPage() {
  const { account, keys } = useUnlocked();
  return (
    <Page title={t("account.account_and_security")}>
      <section aria-labelledby="identity-heading" className="card">
        <h2 id="identity-heading">{t("account.your_account")}</h2>
        <dl className="facts">
          <dt>{t("account.email")}</dt>
          <dd>{account.email}</dd>
          <dt>{t("account.your_fingerprint")}</dt>
          <dd>
            <SafetyFingerprint userId={keys.userId} identityKey={keys.identityKey} publicKey={keys.publicKey} />
          </dd>
        </dl>
        <ul className="links">
          <li>
            <Link to="/account/sessions">{t("account.sessions_and_devices")}</Link>
          </li>
          <li>
            <Link to="/account/events">{t("account.security_events")}</Link>
          </li>
          <li>
            <Link to="/account/export">{t("account.export_your_data")}</Link>
          </li>
          <li>
            <Link to="/account/delete">{t("account.delete_account")}</Link>
          </li>
        </ul>
      </section>
      <section className="card">
        <ChangePasswordForm />
      </section>
      <section className="card">
        <RecoverySection email={account.email} />
      </section>
    </Page>
  );
}
