/**
 * The public viewer, `/s/<link id>#<key>`: no account. It opens the link in this browser
 * (share-viewer/open.ts), asks for the password when the link needs one, and shows the shared
 * records as a printable summary (tables and charts), or an emergency card. Every failure
 * (missing, expired, revoked, used up, wrong password, damaged address) gets the same page.
 */

import { type SyntheticEvent, type ReactNode, useEffect, useState } from "react";
import { useParams } from "react-router";

import { Alert, Button, Loading, Page, TextField } from "../../ui";
import { formatDateTime } from "../../i18n/format";
import type { LinkPassword } from "../../crypto";
import type { SharedContent } from "./content";
import { openLink, passwordFlag } from "./open";
import { SharedSummary } from "./SharedSummary";
import "./viewer.css";

type State =
  | { step: "opening" }
  /** `known`: the address says a password is needed (else the server's refusal may mean either). */
  | { step: "password"; busy: boolean; known: boolean }
  | { step: "unavailable"; canRetryPassword: boolean; known?: boolean }
  | { step: "shown"; content: SharedContent; expiresAt: string };

export function NotAvailable({ onRetry }: { onRetry?: (() => void) | undefined }): ReactNode {
  return (
    <Page title="This link is not available" narrow>
      <p>
        The link may have expired, been revoked or used up, the password may not match, or the address may be
        incomplete. Ask the person who shared it with you for a new link.
      </p>
      {onRetry ? (
        <p>
          <Button onClick={onRetry}>Enter the password again</Button>
        </p>
      ) : null}
    </Page>
  );
}

/**
 * Where opening starts, from the address alone: a damaged one is not available; one that says
 * it needs a password asks for it first (the server would refuse it without, like a missing
 * link); the others are opened at once.
 */
function firstStep(flag: LinkPassword | null): State {
  if (flag === null) return { step: "unavailable", canRetryPassword: false };
  if (flag === "required") return { step: "password", busy: false, known: true };
  return { step: "opening" };
}

export default function ShareViewerPage(): ReactNode {
  const { linkId = "" } = useParams();
  // Read once: the fragment stays in this page's memory and in the address bar only.
  const [fragment] = useState(() => window.location.hash);
  const [state, setState] = useState<State>(() => firstStep(passwordFlag(linkId, fragment)));
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    if (firstStep(passwordFlag(linkId, fragment)).step !== "opening") return;
    openLink(linkId, fragment, null).then(
      (result) => {
        if (!live) return;
        if (result.status === "shown") setState({ step: "shown", content: result.content, expiresAt: result.expiresAt });
        else if (result.status === "refused") setState({ step: "password", busy: false, known: false });
        else setState({ step: "unavailable", canRetryPassword: false });
      },
      () => live && setState({ step: "unavailable", canRetryPassword: false }),
    );
    return () => {
      live = false;
    };
  }, [linkId, fragment]);

  async function submit(event: SyntheticEvent): Promise<void> {
    event.preventDefault();
    if (password === "") {
      setError("Enter the password you were given with the link.");
      return;
    }
    setError(null);
    const known = state.step === "password" && state.known;
    setState({ step: "password", busy: true, known });
    try {
      const result = await openLink(linkId, fragment, password);
      if (result.status === "shown") setState({ step: "shown", content: result.content, expiresAt: result.expiresAt });
      else setState({ step: "unavailable", canRetryPassword: true, known });
    } catch {
      setState({ step: "unavailable", canRetryPassword: true, known });
    } finally {
      setPassword("");
    }
  }

  switch (state.step) {
    case "opening":
      return <Loading label="Opening the shared records in this browser…" />;
    case "unavailable":
      return (
        <NotAvailable
          onRetry={state.canRetryPassword ? () => setState({ step: "password", busy: false, known: state.known === true }) : undefined}
        />
      );
    case "password":
      return (
        <Page title="Shared health records" narrow>
          {state.known ? (
            <p>
              This link opens only with the password you were given with it. The records are decrypted in this browser; the
              password itself is never sent.
            </p>
          ) : (
            <p>
              This link opens only with a password, or it is not available any more (expired, revoked or used up): the server
              answers both the same way. If you were given a password, enter it. The records are decrypted in this browser; the
              password itself is never sent.
            </p>
          )}
          {error ? <Alert>{error}</Alert> : null}
          <form className="form" noValidate onSubmit={(e) => void submit(e)}>
            <TextField
              label="Link password"
              type="password"
              autoComplete="off"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            <Button type="submit" variant="primary" busy={state.busy}>
              Open the records
            </Button>
          </form>
          {state.busy ? <p className="aside">Checking the password takes a few seconds (it is made slow to guess).</p> : null}
        </Page>
      );
    case "shown":
      return (
        <SharedSummary
          content={state.content}
          note={state.expiresAt ? `Shared with you until ${formatDateTime(state.expiresAt)}. Decrypted in this browser.` : ""}
        />
      );
  }
}
