/** Account overview: identity, password, recovery phrase, and links to sessions, events, export, deletion. */
import { type SyntheticEvent, useState } from "react";
import { Link } from "react-router";
import { changePassword, regenerateRecovery } from "../../session/auth";
import { useUnlocked } from "../../session/hooks";
import { Alert, Button, Dialog, Page, TextField, showToast, useFormErrors } from "../../ui";
import { checkNewPassword } from "./passwords";
import { RecoveryPhrase } from "./RecoveryPhrase";
import { SafetyFingerprint } from "./SafetyFingerprint";

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
    if (!current) problems.current = "Enter your current password.";
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
      showToast("Password changed. Your other devices have to log in again.", { tone: "success" });
    } catch (error) {
      fromError(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="form" noValidate aria-labelledby="change-password">
      <h2 id="change-password">Change password</h2>
      {errors.form ? <Alert>{errors.form}</Alert> : null}
      <TextField label="Current password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} error={errors.fields.current} />
      <TextField label="New password" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} error={errors.fields.password} />
      <TextField label="Repeat the new password" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} error={errors.fields.confirm} />
      <Button type="submit" variant="primary" busy={busy}>
        Change password
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
      <h2 id="recovery-heading">Recovery phrase</h2>
      {phrase ? (
        <RecoveryPhrase
          phrase={phrase}
          email={email}
          onConfirmed={() => {
            setPhrase(undefined);
            showToast("New recovery phrase saved.", { tone: "success" });
          }}
        />
      ) : (
        <>
          <p>If you lost your recovery phrase, make a new one. The old phrase stops working at once.</p>
          <Button onClick={() => setOpen(true)}>Make a new recovery phrase</Button>
        </>
      )}
      <Dialog open={open} title="Make a new recovery phrase" onClose={() => setOpen(false)}>
        <form onSubmit={(e) => void submit(e)} className="form" noValidate>
          {errors.form ? <Alert>{errors.form}</Alert> : null}
          <TextField label="Your password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          <div className="row">
            <Button type="submit" variant="primary" busy={busy}>
              Make new phrase
            </Button>
            <Button variant="quiet" onClick={() => setOpen(false)}>
              Cancel
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
    <Page title="Account and security">
      <section aria-labelledby="identity-heading" className="card">
        <h2 id="identity-heading">Your account</h2>
        <dl className="facts">
          <dt>Email</dt>
          <dd>{account.email}</dd>
          <dt>Your fingerprint</dt>
          <dd>
            <SafetyFingerprint userId={keys.userId} identityKey={keys.identityKey} publicKey={keys.publicKey} />
          </dd>
        </dl>
        <ul className="links">
          <li>
            <Link to="/account/sessions">Sessions and devices</Link>
          </li>
          <li>
            <Link to="/account/events">Security events</Link>
          </li>
          <li>
            <Link to="/account/export">Export your data</Link>
          </li>
          <li>
            <Link to="/account/delete">Delete account</Link>
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
