/**
 * The owner's share links: create one, hand it over (copy, QR), see opens left, expiry and the
 * access log, and revoke. Emergency cards are managed on their own page (features/emergency).
 */

import { type ReactNode, useEffect, useState } from "react";
import { Link } from "react-router";

import { formatDateTime } from "../../i18n/format";
import { useUnlocked } from "../../session/hooks";
import { Alert, Button, Dialog, EmptyState, Loading, Page } from "../../ui";
import { authHttp } from "../records/http";
import { RecordsFrame } from "../records/RecordsFrame";
import type { Access, LinkSummary } from "./api";
import { readLink, revokeLink } from "./api";
import { AccessTable } from "./AccessTable";
import { linkUrl, opensLeft } from "./content";
import { LinkShare } from "./LinkShare";
import { NewLinkForm } from "./NewLinkForm";
import type { MadeLink } from "./own";
import { ownerLinkUrl, useOwnLinks } from "./own";
import "./links.css";

const STATUS: Record<LinkSummary["status"], string> = {
  active: "Active",
  expired: "Expired",
  exhausted: "Used up",
  revoked: "Revoked",
};

function AccessLog({ id }: { id: string }): ReactNode {
  const { keys } = useUnlocked();
  const [accesses, setAccesses] = useState<Access[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    readLink(authHttp, keys, id).then(
      (r) => setAccesses(r.accesses),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [keys, id]);
  if (error) return <Alert>{error}</Alert>;
  if (accesses === null) return <Loading label="Loading the access log…" />;
  if (accesses.length === 0) return <p>Nobody has opened this link yet.</p>;
  return <AccessTable accesses={accesses} caption={`Opened ${accesses.length} time${accesses.length === 1 ? "" : "s"} (newest first)`} />;
}

function linkName(link: LinkSummary): string {
  if (link.label?.note) return link.label.note;
  return link.label?.profileName ? `Records of ${link.label.profileName}` : "Share link";
}

export function LinkRow({ link, onRevoked }: { link: LinkSummary; onRevoked: () => void }): ReactNode {
  const [open, setOpen] = useState<"log" | "share" | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const left = opensLeft(link.maxAccessCount, link.accessCount);
  const name = linkName(link);
  const url = ownerLinkUrl(window.location.origin, link);
  async function revoke(): Promise<void> {
    setBusy(true);
    try {
      await revokeLink(authHttp, link.id);
      setConfirming(false);
      onRevoked();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <li className={`link-row link-${link.status}`} aria-label={name}>
      <div className="link-head">
        <h3>{name}</h3>
        <span className={`status status-${link.status}`}>{STATUS[link.status]}</span>
      </div>
      <dl className="link-facts">
        {link.label?.records !== null && link.label?.records !== undefined ? (
          <div>
            <dt>Records</dt>
            <dd>{link.label.records}</dd>
          </div>
        ) : null}
        <div>
          <dt>Opens left</dt>
          <dd>{left === null ? "No limit" : `${left} of ${link.maxAccessCount ?? 0}`}</dd>
        </div>
        <div>
          <dt>Opened</dt>
          <dd>
            {link.accessCount} time{link.accessCount === 1 ? "" : "s"}
            {link.lastAccessedAt ? `, last ${formatDateTime(link.lastAccessedAt)}` : ""}
          </dd>
        </div>
        <div>
          <dt>{link.status === "expired" ? "Expired" : "Expires"}</dt>
          <dd>{formatDateTime(link.expiresAt)}</dd>
        </div>
        <div>
          <dt>Password</dt>
          <dd>{link.hasPassword ? "Yes" : "No"}</dd>
        </div>
      </dl>
      {error ? <Alert>{error}</Alert> : null}
      <div className="form-actions">
        {url && link.status === "active" ? (
          <Button onClick={() => setOpen(open === "share" ? null : "share")} aria-expanded={open === "share"}>
            Copy or show as QR
          </Button>
        ) : null}
        <Button onClick={() => setOpen(open === "log" ? null : "log")} aria-expanded={open === "log"}>
          {open === "log" ? "Hide the access log" : "Access log"}
        </Button>
        {link.status === "active" ? (
          <Button variant="danger" onClick={() => setConfirming(true)}>
            Revoke
          </Button>
        ) : null}
      </div>
      {open === "share" && url ? <LinkShare url={url} hasPassword={link.hasPassword} /> : null}
      {open === "log" ? <AccessLog id={link.id} /> : null}
      <Dialog
        open={confirming}
        title="Revoke this link?"
        onClose={() => setConfirming(false)}
        actions={
          <>
            <Button variant="danger" busy={busy} onClick={() => void revoke()}>
              Revoke now
            </Button>
            <Button onClick={() => setConfirming(false)}>Keep it</Button>
          </>
        }
      >
        <p>Whoever has the link can no longer open it, from this moment on. The access log stays until the link would have expired.</p>
      </Dialog>
    </li>
  );
}

function LinksView(): ReactNode {
  const { keys } = useUnlocked();
  const { links, error, maxDays, reload } = useOwnLinks(authHttp, keys, "share");
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<MadeLink | null>(null);

  return (
    <Page
      title="Share links"
      actions={
        !creating ? (
          <Button variant="primary" onClick={() => { setCreating(true); setCreated(null); }}>
            New share link
          </Button>
        ) : null
      }
    >
      <p className="aside">
        A share link lets someone without an account (a doctor, for example) read chosen records in their browser. The records
        are encrypted with a key that exists only in the link. Emergency cards are on the <Link to="/emergency">emergency card</Link> page.
      </p>
      {created ? (
        <section className="created" aria-labelledby="created-title">
          <h2 id="created-title">Your link is ready</h2>
          <LinkShare url={linkUrl(window.location.origin, created.id, created.fragment)} hasPassword={created.hasPassword} />
        </section>
      ) : null}
      {creating && maxDays !== null ? (
        <NewLinkForm
          maxDays={maxDays}
          onCancel={() => setCreating(false)}
          onCreated={(c) => {
            setCreated(c);
            setCreating(false);
            reload();
          }}
        />
      ) : null}
      {error ? <Alert>{error}</Alert> : null}
      {links === null && !error ? <Loading label="Loading your links…" /> : null}
      {links !== null && links.length === 0 && !creating ? (
        <EmptyState title="No share links yet">
          <p>Create one to send chosen records to a doctor for a limited time.</p>
        </EmptyState>
      ) : null}
      {links !== null && links.length > 0 ? (
        <section aria-labelledby="links-title">
          <h2 id="links-title">Your links</h2>
          <ul className="links-list">
            {links.map((l) => (
              <LinkRow key={l.id} link={l} onRevoked={reload} />
            ))}
          </ul>
        </section>
      ) : null}
    </Page>
  );
}

export default function LinksPage(): ReactNode {
  return (
    <RecordsFrame>
      <LinksView />
    </RecordsFrame>
  );
}
