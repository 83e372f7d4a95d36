/**
 * Open a share link in the browser: the secret comes from the URL fragment (never sent), the
 * payload is fetched by id (with the password verifier when the link has a password) and
 * decrypted here. Every failure shows the same neutral "not available" page.
 */
import { type SyntheticEvent, useCallback, useEffect, useState } from "react";
import { useParams } from "react-router";
import { api } from "../../api/client";
import { decryptLinkPayload, linkKeys, secretFromFragment } from "../../crypto";
import { formatDateTime } from "../../i18n/format";
import { Alert, Button, Loading, Page, TextField } from "../../ui";

interface SharedRecord {
  id?: string;
  kind?: string;
  occurred_at?: string;
  data?: Record<string, unknown>;
  tags?: string[];
}

interface SharedContent {
  format?: string;
  profile?: { profile_type?: string; metadata?: { name?: string } };
  records?: SharedRecord[];
}

type State = { step: "loading" } | { step: "password"; wrong: boolean } | { step: "unavailable" } | { step: "shown"; content: SharedContent; expiresAt: string };

function describe(data: Record<string, unknown> | undefined): string {
  if (!data) return "";
  return Object.entries(data)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== "object")
    .map(([k, v]) => `${k.replace(/_/g, " ")}: ${String(v)}`)
    .join(", ");
}

export default function ShareViewerPage() {
  const { linkId = "" } = useParams();
  const [state, setState] = useState<State>({ step: "loading" });
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);

  const open = useCallback(
    async (pw: string | null): Promise<boolean> => {
      let secret;
      try {
        secret = secretFromFragment(window.location.hash);
      } catch {
        setState({ step: "unavailable" });
        return true;
      }
      const { contentKey, verifier } = await linkKeys(secret, pw);
      const { data, response } = await api.POST("/api/v1/public/links/{link_id}", {
        params: { path: { link_id: linkId } },
        body: verifier ? { password_verifier: verifier } : {},
      });
      if (!response.ok || !data) return false;
      try {
        const content = (await decryptLinkPayload(contentKey, linkId, data.payload)) as SharedContent;
        setState({ step: "shown", content, expiresAt: data.expires_at });
      } catch {
        setState({ step: "unavailable" });
      }
      return true;
    },
    [linkId],
  );

  useEffect(() => {
    // Deferred a microtask so no state is set synchronously inside the effect.
    void Promise.resolve().then(() => open(null)).then((done) => {
      // Without a password the link was refused: it may need one (or be gone; same answer).
      if (!done) setState({ step: "password", wrong: false });
    }, () => setState({ step: "unavailable" }));
  }, [open]);

  async function submit(event: SyntheticEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      if (!(await open(password))) setState({ step: "password", wrong: true });
    } catch {
      setState({ step: "unavailable" });
    } finally {
      setBusy(false);
    }
  }

  if (state.step === "loading") return <Loading label="Opening the shared records…" />;
  if (state.step === "unavailable") {
    return (
      <Page title="This link is not available" narrow>
        <p>It may have expired, been revoked or used up, or the address is incomplete. Ask the person who shared it for a new link.</p>
      </Page>
    );
  }
  if (state.step === "password") {
    return (
      <Page title="Shared health records" narrow>
        <p>If this link came with a password, enter it. Otherwise the link is no longer available.</p>
        {state.wrong ? <Alert>The link is not available with that password.</Alert> : null}
        <form onSubmit={(e) => void submit(e)} className="form" noValidate>
          <TextField label="Link password" type="password" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} />
          <Button type="submit" variant="primary" busy={busy}>
            Open
          </Button>
        </form>
      </Page>
    );
  }
  const { content, expiresAt } = state;
  const records = [...(content.records ?? [])].sort((a, b) => (b.occurred_at ?? "").localeCompare(a.occurred_at ?? ""));
  const name = content.profile?.metadata?.name;
  return (
    <Page title={name ? `Health records of ${name}` : "Shared health records"}>
      <p className="aside">Shared with you until {formatDateTime(expiresAt)}. Decrypted in this browser.</p>
      {records.length === 0 ? (
        <p>No records were shared.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption>Shared records, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Kind</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {records.map((r, i) => (
                <tr key={r.id ?? i}>
                  <td>{r.occurred_at ? formatDateTime(r.occurred_at) : ""}</td>
                  <td>{(r.kind ?? "").replace(/_/g, " ")}</td>
                  <td>{describe(r.data)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Button onClick={() => window.print()}>Print</Button>
    </Page>
  );
}
