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
import type { SharedContent } from "./content";
import { openLink } from "./open";
import { SharedSummary } from "./SharedSummary";
import "./viewer.css";
import { t } from "../../i18n";

type State =
  | { step: "opening" }
  | { step: "password"; busy: boolean }
  | { step: "unavailable"; canRetryPassword: boolean }
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

export default function ShareViewerPage(): ReactNode {
  const { linkId = "" } = useParams();
  // Read once: the fragment stays in this page's memory and in the address bar only.
  const [fragment] = useState(() => window.location.hash);
  const [state, setState] = useState<State>({ step: "opening" });
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    openLink(linkId, fragment, null).then(
      (result) => {
        if (!live) return;
        if (result.status === "shown") setState({ step: "shown", content: result.content, expiresAt: result.expiresAt });
        else if (result.status === "refused") setState({ step: "password", busy: false });
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
    setState({ step: "password", busy: true });
    try {
      const result = await openLink(linkId, fragment, password);
      if (result.status === "shown") setState({ step: "shown", content: result.content, expiresAt: result.expiresAt });
      else setState({ step: "unavailable", canRetryPassword: true });
    } catch {
      setState({ step: "unavailable", canRetryPassword: true });
    } finally {
      setPassword("");
    }
  }

  switch (state.step) {
    case "opening":
      return <Loading label={t("share_viewer.opening_the_shared_records_in_this")} />;
    case "unavailable":
      return <NotAvailable onRetry={state.canRetryPassword ? () => setState({ step: "password", busy: false }) : undefined} />;
    case "password":
      return (
        <Page title={t("share_viewer.shared_health_records")} narrow>
          <p>
            {t("share_viewer.this_link_opens_only_with_a")}
          </p>
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
