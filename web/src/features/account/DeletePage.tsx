/** Delete the account: confirm with the password and by typing the email; everything is erased. */
import { type SyntheticEvent, useState } from "react";
import { Link, useNavigate } from "react-router";
import { api, ok } from "../../api/client";
import { currentAuthKey } from "../../session/auth";
import { useUnlocked } from "../../session/hooks";
import { setAnonymous } from "../../session/store";
import { setTokens } from "../../session/tokens";
import { Alert, Button, Page, TextField, showToast, useFormErrors } from "../../ui";
import { t } from "../../i18n";

export default function DeletePage() {
  const { account } = useUnlocked();
  const [password, setPassword] = useState("");
  const [email, setEmail] = useState("");
  const [busy, setBusy] = useState(false);
  const { errors, clear, fromError, setErrors } = useFormErrors();
  const navigate = useNavigate();

  async function submit(event: SyntheticEvent) {
    event.preventDefault();
    clear();
    if (email.trim().toLowerCase() !== account.email.toLowerCase()) {
      setErrors({ fields: { email: t("account.type_email_to_confirm", { email: account.email }) }, form: undefined });
      return;
    }
    setBusy(true);
    try {
      const authKey = await currentAuthKey(password);
      await ok(api.DELETE("/api/v1/users/me", { body: { auth_key: authKey } }));
      setTokens(undefined);
      setAnonymous("logout");
      showToast(t("account.your_account_and_all_its_data"), { tone: "success", timeout: 10_000 });
      void navigate("/login", { replace: true });
    } catch (error) {
      fromError(error);
      setBusy(false);
    }
  }

  return (
    <Page title={t("account.delete_account")} actions={<Link to="/account">{t("account.back_to_account")}</Link>} narrow>
      <Alert tone="warning" title={t("account.this_cannot_be_undone")}>
        {t("account.deleting_your_account_erases_your_profiles")}
      </Alert>
      {errors.form ? <Alert>{errors.form}</Alert> : null}
      <form onSubmit={(e) => void submit(e)} className="form" noValidate>
        <TextField label={t("account.your_password")} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} error={errors.fields.password} />
        <TextField label={t("account.type_your_email_email_to_confirm", { email: account.email })} type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.fields.email} />
        <Button type="submit" variant="danger" busy={busy}>
          {t("account.delete_my_account_forever")}
        </Button>
      </form>
    </Page>
  );
}
