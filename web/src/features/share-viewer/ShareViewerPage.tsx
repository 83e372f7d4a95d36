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
import { t } from "../../i18n";

type State =
  | { step: "opening" }
  /** `known`: the address says a password is needed (else the server's refusal may mean either). */
  | { step: "password"; busy: boolean; known: boolean }
  | { step: "unavailable"; canRetryPassword: boolean; known?: boolean }
  | { step: "shown"; content: SharedContent; expiresAt: string };

export function NotAvailable({ onRetry }: { onRetry?: (() => void) | undefined }): ReactNode {
  return (
    <Page title={t("share_viewer.this_link_is_not_available")} narrow>
      <p>
        {t("share_viewer.the_link_may_have_expired_been")}
      </p>
      {onRetry ? (
        <p>
          <Button onClick={onRetry}>{t("share_viewer.enter_the_password_again")}</Button>
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
      setError(t("share_viewer.enter_the_password_you_were_given"));
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
      return <Loading label={t("share_viewer.opening_the_shared_records_in_this")} />;
    case "unavailable":
      return (
        <NotAvailable
          onRetry={state.canRetryPassword ? () => setState({ step: "password", busy: false, known: state.known === true }) : undefined}
        />
      );
    case "password":
      return (
        <Page title={t("share_viewer.shared_health_records")} narrow>
          {state.known ? (
            <p>
              {t("share_viewer.this_link_opens_only_with_the_password")}
            </p>
          ) : (
            <p>
              {t("share_viewer.this_link_opens_only_with_a")}
            </p>
          )}
          {error ? <Alert>{error}</Alert> : null}
          <form className="form" noValidate onSubmit={(e) => void submit(e)}>
            <TextField
              label={t("share_viewer.link_password")}
              type="password"
              autoComplete="off"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            <Button type="submit" variant="primary" busy={state.busy}>
              {t("share_viewer.open_the_records")}
            </Button>
          </form>
          {state.busy ? <p className="aside">{t("share_viewer.checking_the_password_takes_a_few")}</p> : null}
        </Page>
      );
    case "shown":
      return (
        <SharedSummary
          content={state.content}
          note={state.expiresAt ? t("share_viewer.shared_with_you_until_v0_decrypted", { v0: formatDateTime(state.expiresAt) }) : ""}
        />
      );
  }
}
