/** Delete the account: confirm with the password and by typing the email; everything is erased. */
import { type SyntheticEvent, useState } from "react";
import { Link, useNavigate } from "react-router";
import { api, ok } from "../../api/client";
import { currentAuthKey } from "../../session/auth";
import { useUnlocked } from "../../session/hooks";
import { setAnonymous } from "../../session/store";
import { setTokens } from "../../session/tokens";
import { Alert, Button, Page, TextField, showToast, useFormErrors } from "../../ui";

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
      setErrors({ fields: { email: `Type ${account.email} to confirm.` }, form: undefined });
      return;
    }
    setBusy(true);
    try {
      const authKey = await currentAuthKey(password);
      await ok(api.DELETE("/api/v1/users/me", { body: { auth_key: authKey } }));
      setTokens(undefined);
      setAnonymous();
      showToast("Your account and all its data were deleted.", { tone: "success", timeout: 10_000 });
      void navigate("/login", { replace: true });
    } catch (error) {
      fromError(error);
      setBusy(false);
    }
  }

  return (
    <Page title="Delete account" actions={<Link to="/account">Back to account</Link>} narrow>
      <Alert tone="warning" title="This cannot be undone">
        Deleting your account erases your profiles, records, share links and sessions from the server. Export your data first if you want to keep it.
      </Alert>
      {errors.form ? <Alert>{errors.form}</Alert> : null}
      <form onSubmit={(e) => void submit(e)} className="form" noValidate>
        <TextField label="Your password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} error={errors.fields.password} />
        <TextField label={`Type your email (${account.email}) to confirm`} type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.fields.email} />
        <Button type="submit" variant="danger" busy={busy}>
          Delete my account forever
        </Button>
      </form>
    </Page>
  );
}
