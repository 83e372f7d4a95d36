/** Log in: email and password; the KDF runs in a worker while the page shows progress. */
import { type SyntheticEvent, useEffect, useState } from "react";
import { Link, useLocation, useNavigate, useSearchParams } from "react-router";
import { prepareKdf } from "../../crypto";
import { returnPath } from "../../app/guards";
import { ApiError } from "../../api/client";
import { login } from "../../session/auth";
import { loadPrefs, savePrefs } from "../../session/prefs";
import { Alert, Button, Checkbox, Page, TextField, useFormErrors } from "../../ui";
import { t, tx } from "../../i18n";

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
  useEffect(prepareKdf, []);

  async function submit(event: SyntheticEvent) {
    event.preventDefault();
    clear();
    if (!email.trim() || !password) {
      setErrors({ fields: { ...(email.trim() ? {} : { email: t("account.enter_your_email_address") }), ...(password ? {} : { password: t("account.enter_your_password") }) }, form: undefined });
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
        setErrors({ fields: {}, form: t("account.the_email_or_password_is_not") });
      } else {
        fromError(error);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title={t("account.log_in")} narrow>
      {params.get("expired") ? <Alert tone="info">{t("account.your_session_ended_please_log_in")}</Alert> : null}
      {errors.form ? <Alert>{errors.form}</Alert> : null}
      <form onSubmit={(e) => void submit(e)} noValidate className="form">
        <TextField label={t("account.email")} type="email" name="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.fields.email} required />
        <TextField label={t("account.password")} type="password" name="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} error={errors.fields.password} required />
        <Checkbox label={t("account.remember_my_email_on_this_device")} checked={remember} onChange={(e) => setRemember(e.target.checked)} />
        <Button type="submit" variant="primary" busy={busy}>
          {busy ? t("account.unlocking") : t("account.log_in")}
        </Button>
      </form>
      <p className="aside">
        {tx("account.login_help", { register: <Link to="/register">{t("account.create_an_account")}</Link>, recover: <Link to="/recover">{t("account.use_your_recovery_phrase")}</Link> })}
      </p>
    </Page>
  );
}
