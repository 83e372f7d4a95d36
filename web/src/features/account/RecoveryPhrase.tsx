/**
 * Show a new recovery phrase once: copy (the clipboard is cleared after a minute), download as a
 * file, and confirm by typing its last group before continuing.
 */
import { type SyntheticEvent, useState } from "react";
import { normalizeRecoveryPhrase } from "../../crypto";
import { Alert, Button, Checkbox, TextField, copySecret, downloadText, showToast } from "../../ui";
import { t } from "../../i18n";

export function RecoveryPhrase({ phrase, email, onConfirmed }: { phrase: string; email: string; onConfirmed: () => void }) {
  const [typed, setTyped] = useState("");
  const [stored, setStored] = useState(false);
  const [error, setError] = useState<string>();
  const groups = phrase.split("-");
  const lastGroup = groups[groups.length - 1] ?? "";

  async function confirm(event: SyntheticEvent) {
    event.preventDefault();
    setError(undefined);
    try {
      const given = typed.trim().toUpperCase();
      if (given !== lastGroup && (await normalizeRecoveryPhrase(typed)) !== phrase) throw new Error("mismatch");
    } catch {
      setError(t("account.that_is_not_the_last_group", { v0: groups[groups.length - 2] ?? "" }));
      return;
    }
    if (!stored) {
      setError(t("account.tick_the_box_once_the_phrase"));
      return;
    }
    onConfirmed();
  }

  return (
    <section className="recovery" aria-labelledby="recovery-title">
      <h2 id="recovery-title">{t("account.your_recovery_phrase")}</h2>
      <Alert tone="warning">
        {t("account.this_is_the_only_way_back")}
      </Alert>
      <p className="phrase" aria-label={t("account.recovery_phrase")}>
        {groups.map((g, i) => (
          <span key={i} className="phrase-group">
            {g}
          </span>
        ))}
      </p>
      <div className="row">
        <Button
          onClick={() => {
            void copySecret(phrase).then(
              () => showToast(t("account.copied_the_clipboard_is_cleared_in"), { tone: "success" }),
              () => showToast(t("account.copying_is_not_allowed_here_write"), { tone: "error" }),
            );
          }}
        >
          {t("account.copy")}
        </Button>
        <Button
          onClick={() =>
            downloadText(
              "normogen-recovery-phrase.txt",
              `Normogen recovery phrase\nAccount: ${email}\n\n${phrase}\n\nKeep this file offline (print it, then delete it). Anyone with it and your email can reset your password.\n`,
            )
          }
        >
          {t("account.download")}
        </Button>
        <Button onClick={() => window.print()}>{t("account.print")}</Button>
      </div>
      <form onSubmit={(e) => void confirm(e)} className="form" noValidate>
        <TextField
          label={t("account.type_the_last_group_of_your")}
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          error={error}
        />
        <Checkbox label={t("account.i_have_stored_my_recovery_phrase")} checked={stored} onChange={(e) => setStored(e.target.checked)} />
        <Button type="submit" variant="primary">
          {t("account.continue")}
        </Button>
      </form>
    </section>
  );
}
