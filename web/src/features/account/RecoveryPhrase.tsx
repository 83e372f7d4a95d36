/**
 * Show a new recovery phrase once: copy (the clipboard is cleared after a minute), download as a
 * file, and confirm by typing its last group before continuing.
 */
import { type SyntheticEvent, useState } from "react";
import { normalizeRecoveryPhrase } from "../../crypto";
import { Alert, Button, Checkbox, TextField, copySecret, downloadText, showToast } from "../../ui";

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
      setError(`That is not the last group of your phrase. It is the group after "${groups[groups.length - 2] ?? ""}".`);
      return;
    }
    if (!stored) {
      setError("Tick the box once the phrase is stored somewhere safe.");
      return;
    }
    onConfirmed();
  }

  return (
    <section className="recovery" aria-labelledby="recovery-title">
      <h2 id="recovery-title">Your recovery phrase</h2>
      <Alert tone="warning">
        This is the only way back into your records if you forget your password. Nobody, not even the server&apos;s operator, can reset it for you. It is shown only now.
      </Alert>
      <p className="phrase" aria-label="Recovery phrase">
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
              () => showToast("Copied. The clipboard is cleared in one minute.", { tone: "success" }),
              () => showToast("Copying is not allowed here; write the phrase down instead.", { tone: "error" }),
            );
          }}
        >
          Copy
        </Button>
        <Button
          onClick={() =>
            downloadText(
              "normogen-recovery-phrase.txt",
              `Normogen recovery phrase\nAccount: ${email}\n\n${phrase}\n\nKeep this file offline (print it, then delete it). Anyone with it and your email can reset your password.\n`,
            )
          }
        >
          Download
        </Button>
        <Button onClick={() => window.print()}>Print</Button>
      </div>
      <form onSubmit={(e) => void confirm(e)} className="form" noValidate>
        <TextField
          label="Type the last group of your phrase to confirm you have it"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          error={error}
        />
        <Checkbox label="I have stored my recovery phrase somewhere safe" checked={stored} onChange={(e) => setStored(e.target.checked)} />
        <Button type="submit" variant="primary">
          Continue
        </Button>
      </form>
    </section>
  );
}
