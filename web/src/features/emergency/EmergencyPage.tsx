/**
 * The emergency card: the owner of a profile writes an emergency summary (blood type,
 * allergies, current medications, conditions, contacts, a note); the app shares it through a
 * long-lived break-glass link (kind "emergency", at most the server's EMERGENCY_LINK_MAX_DAYS)
 * and prints a wallet card with its QR code. Every opening is a security event for the owner,
 * shown here. Updating the card rotates the link (new key, old link revoked); it can be revoked.
 */

import { type ReactNode, type SyntheticEvent, useEffect, useMemo, useState } from "react";

import { readMedication } from "../../domain/readers";
import { formatDate, formatDateTime } from "../../i18n/format";
import { useUnlocked } from "../../session/hooks";
import { Alert, Button, Dialog, EmptyState, Loading, Page, SelectField, TextArea, TextField } from "../../ui";
import { authHttp } from "../records/http";
import { RecordsFrame } from "../records/RecordsFrame";
import { useProfileRecords, useProfiles, useRecordsServices } from "../records/services";
import type { Access, LinkSummary } from "../links/api";
import { readLink, revokeLink } from "../links/api";
import { AccessTable } from "../links/AccessTable";
import { latestExpiryDay, shareContent } from "../links/content";
import { LinkShare } from "../links/LinkShare";
import { makeLink, ownerLinkUrl, useOwnLinks } from "../links/own";
import { Qr } from "../links/Qr";
import type { EmergencyContact, EmergencySummary } from "../share-viewer/content";
import { EmergencyFacts } from "../share-viewer/SharedSummary";
import "../links/links.css";
import "./emergency.css";

const BLOOD_TYPES = ["", "A+", "A−", "B+", "B−", "AB+", "AB−", "O+", "O−", "unknown"];
const lines = (text: string): string[] => text.split("\n").map((l) => l.trim()).filter((l) => l !== "");

interface Opened {
  type: string;
  created_at: string;
  ip: string | null;
  agent: string | null;
}

function CardOpenings({ card }: { card: LinkSummary }): ReactNode {
  const { keys } = useUnlocked();
  const [accesses, setAccesses] = useState<Access[] | null>(null);
  const [events, setEvents] = useState<Opened[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    readLink(authHttp, keys, card.id).then(
      (r) => setAccesses(r.accesses),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
    authHttp.request("GET", "/api/v1/users/me/events").then(
      (res) => {
        const all = res.status === 200 ? (res.body as { events: Opened[] }).events : [];
        setEvents(all.filter((e) => e.type === "emergency_link_accessed"));
      },
      () => setEvents([]),
    );
  }, [keys, card.id]);
  if (error) return <Alert>{error}</Alert>;
  if (accesses === null) return <Loading label="Loading who opened the card…" />;
  return (
    <section aria-labelledby="openings-title">
      <h2 id="openings-title">Openings</h2>
      {accesses.length === 0 ? (
        <p>Nobody has opened this card yet. Each opening appears here and in your security events at once.</p>
      ) : (
        <>
          <Alert tone="warning" title={`Your emergency card was opened ${accesses.length} time${accesses.length === 1 ? "" : "s"}`}>
            <p>Last {formatDateTime(accesses[0]?.at ?? card.lastAccessedAt ?? "")}. If this was not an emergency, update the card to make the old QR code stop working.</p>
          </Alert>
          <AccessTable accesses={accesses} caption="Openings of this card, newest first" />
        </>
      )}
      {events.length > 0 ? <p className="aside">Security events: {events.length} emergency-card opening{events.length === 1 ? "" : "s"} recorded for your account.</p> : null}
    </section>
  );
}

function WalletCard({ card, name }: { card: LinkSummary; name: string }): ReactNode {
  const url = ownerLinkUrl(window.location.origin, card);
  if (url === null) return <Alert tone="warning">This card was made on another device: its QR code is not stored here. Update the card to print it.</Alert>;
  const summary = card.label?.emergency;
  return (
    <div className="wallet-card" aria-label="Wallet card">
      <div className="wallet-text">
        <p className="wallet-title">Emergency medical information</p>
        <p className="wallet-name">{name}</p>
        {summary?.blood_type ? <p>Blood type: {summary.blood_type}</p> : null}
        {summary && summary.allergies.length > 0 ? <p>Allergies: {summary.allergies.join(", ")}</p> : null}
        <p className="wallet-hint">Scan the code for medications, conditions and contacts. Valid until {formatDate(card.expiresAt)}.</p>
      </div>
      <Qr text={url} label={`QR code of ${name}'s emergency card`} size={150} />
    </div>
  );
}

function CardLink({ card }: { card: LinkSummary }): ReactNode {
  const url = ownerLinkUrl(window.location.origin, card);
  if (url === null) return null;
  return <LinkShare url={url} hasPassword={false} />;
}

function EmergencyView(): ReactNode {
  const { keys } = useUnlocked();
  const { timeZone } = useRecordsServices();
  const profiles = useProfiles().profiles.filter((p) => p.readable && p.role === "owner");
  const [profileId, setProfileId] = useState("");
  const chosenId = profileId !== "" ? profileId : (profiles[0]?.id ?? "");
  const profile = profiles.find((p) => p.id === chosenId);
  const { records } = useProfileRecords(chosenId);
  const own = useOwnLinks(authHttp, keys, "emergency");
  const links = own.links;
  const maxDays = own.maxDays ?? 365;
  const [failure, setError] = useState<string | null>(null);
  const error = failure ?? own.error;
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [revoking, setRevoking] = useState(false);
  const now = useMemo(() => new Date(), []);

  const reload = own.reload;

  const card = links?.find((l) => l.status === "active" && l.label?.profileId === chosenId) ?? null;
  const saved = card?.label?.emergency ?? null;
  const [bloodType, setBloodType] = useState("");
  const [allergies, setAllergies] = useState("");
  const [medications, setMedications] = useState("");
  const [conditions, setConditions] = useState("");
  const [contacts, setContacts] = useState<EmergencyContact[]>([{ name: "", relation: "", phone: "" }]);
  const [note, setNote] = useState("");
  const [expiry, setExpiry] = useState("");
  const latest = latestExpiryDay(now, maxDays, timeZone);

  function startEditing(): void {
    setBloodType(saved?.blood_type ?? "");
    setAllergies((saved?.allergies ?? []).join("\n"));
    setMedications((saved?.medications ?? []).join("\n"));
    setConditions((saved?.conditions ?? []).join("\n"));
    setContacts(saved && saved.contacts.length > 0 ? saved.contacts : [{ name: "", relation: "", phone: "" }]);
    setNote(saved?.note ?? "");
    setExpiry(latest);
    setEditing(true);
  }

  function fillMedications(): void {
    const current = records
      .filter((r) => r.kind === "medication")
      .map((r) => readMedication(r.data))
      .filter((m): m is NonNullable<typeof m> => m !== null && (m.stopped_on ?? "") === "")
      .map((m) => [m.name, m.strength, m.dose].filter((x) => typeof x === "string" && x !== "").join(" "));
    setMedications(current.join("\n"));
  }

  async function save(event: SyntheticEvent): Promise<void> {
    event.preventDefault();
    if (!profile) return;
    setBusy(true);
    setError(null);
    try {
      const summary: EmergencySummary = {
        blood_type: bloodType,
        allergies: lines(allergies),
        medications: lines(medications),
        conditions: lines(conditions),
        contacts: contacts.filter((c) => c.name.trim() !== "" || c.phone.trim() !== ""),
        note: note.trim(),
        updated_at: new Date().toISOString(),
      };
      await makeLink(authHttp, keys, {
        kind: "emergency",
        content: shareContent(profile, [], summary),
        expiryDay: expiry === "" ? latest : expiry,
        timeZone,
        maxDays,
        maxAccessCount: null,
        password: null,
        label: { note: "Emergency card", profileId: profile.id, profileName: profile.name, records: null, emergency: summary },
      });
      // The new card replaces the old one: the old QR code stops working now.
      if (card) await revokeLink(authHttp, card.id);
      setEditing(false);
      reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  async function revoke(): Promise<void> {
    if (!card) return;
    setBusy(true);
    try {
      await revokeLink(authHttp, card.id);
      setRevoking(false);
      reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  if (links === null && !error) return <Loading label="Loading your emergency cards…" />;
  return (
    <Page title="Emergency card" actions={card && !editing ? <Button onClick={() => window.print()}>Print the card</Button> : null}>
      <p className="aside no-print">
        A card for your wallet: whoever scans its QR code (a paramedic, for example) sees your emergency information without an
        account. Every opening is recorded and shown to you at once.
      </p>
      {error ? <Alert>{error}</Alert> : null}
      {profiles.length === 0 ? (
        <EmptyState title="No profile of yours yet">
          <p>Create a profile first; then prepare its emergency card here.</p>
        </EmptyState>
      ) : (
        <div className="no-print">
          <SelectField label="Whose card" value={chosenId} onChange={(e) => { setProfileId(e.target.value); setEditing(false); }} options={profiles.map((p) => ({ value: p.id, label: p.name }))} />
        </div>
      )}
      {profile && card && !editing ? (
        <>
          <WalletCard card={card} name={profile.name} />
          <div className="no-print">
            <CardLink card={card} />
            {saved ? <EmergencyFacts summary={saved} /> : null}
            <p>
              Valid until {formatDate(card.expiresAt)}. Opened {card.accessCount} time{card.accessCount === 1 ? "" : "s"}.
            </p>
            <div className="form-actions">
              <Button variant="primary" onClick={startEditing}>
                Update the card
              </Button>
              <Button variant="danger" onClick={() => setRevoking(true)}>
                Revoke the card
              </Button>
            </div>
            <CardOpenings card={card} />
          </div>
        </>
      ) : null}
      {profile && !card && !editing ? (
        <div className="no-print">
          <EmptyState title={`No emergency card for ${profile.name}`} action={<Button variant="primary" onClick={startEditing}>Prepare the emergency card</Button>}>
            <p>It takes a minute: blood type, allergies, medications, conditions and whom to call.</p>
          </EmptyState>
        </div>
      ) : null}
      {profile && editing ? (
        <form className="form no-print" noValidate onSubmit={(e) => void save(e)} aria-labelledby="card-form-title">
          <h2 id="card-form-title">Emergency information for {profile.name}</h2>
          <SelectField label="Blood type" value={bloodType} onChange={(e) => setBloodType(e.target.value)} options={BLOOD_TYPES.map((b) => ({ value: b, label: b === "" ? "Not given" : b === "unknown" ? "Unknown" : b }))} />
          <TextArea label="Allergies (one per line)" rows={3} value={allergies} onChange={(e) => setAllergies(e.target.value)} />
          <TextArea label="Current medications (one per line)" rows={3} value={medications} onChange={(e) => setMedications(e.target.value)} />
          <Button onClick={fillMedications}>Fill in from the medication records</Button>
          <TextArea label="Conditions (one per line)" rows={3} value={conditions} onChange={(e) => setConditions(e.target.value)} />
          <fieldset>
            <legend>Emergency contacts</legend>
            {contacts.map((c, i) => (
              <div className="field-row" key={i}>
                <TextField label={`Contact ${i + 1}: name`} value={c.name} onChange={(e) => setContacts(contacts.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))} />
                <TextField label={`Contact ${i + 1}: relation`} value={c.relation} onChange={(e) => setContacts(contacts.map((x, j) => (j === i ? { ...x, relation: e.target.value } : x)))} />
                <TextField label={`Contact ${i + 1}: phone`} type="tel" value={c.phone} onChange={(e) => setContacts(contacts.map((x, j) => (j === i ? { ...x, phone: e.target.value } : x)))} />
              </div>
            ))}
            {contacts.length < 4 ? <Button onClick={() => setContacts([...contacts, { name: "", relation: "", phone: "" }])}>Add a contact</Button> : null}
          </fieldset>
          <TextArea label="Note for responders" rows={3} value={note} onChange={(e) => setNote(e.target.value)} maxLength={1000} />
          <TextField label="Valid until" type="date" min={formatIsoDay(now)} max={latest} value={expiry} onChange={(e) => setExpiry(e.target.value)} hint={`At most ${maxDays} days ahead (this server's limit for emergency cards).`} />
          <p className="aside">{card ? "Saving makes a new card: the old QR code stops working." : "The card has no password and no limit on openings, so it works when you cannot help."}</p>
          <div className="form-actions">
            <Button type="submit" variant="primary" busy={busy}>
              Save the card
            </Button>
            <Button onClick={() => setEditing(false)}>Cancel</Button>
          </div>
        </form>
      ) : null}
      <Dialog
        open={revoking}
        title="Revoke the emergency card?"
        onClose={() => setRevoking(false)}
        actions={
          <>
            <Button variant="danger" busy={busy} onClick={() => void revoke()}>
              Revoke
            </Button>
            <Button onClick={() => setRevoking(false)}>Keep it</Button>
          </>
        }
      >
        <p>The QR code on the printed card stops working at once. Throw the printed card away.</p>
      </Dialog>
    </Page>
  );
}

function formatIsoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export default function EmergencyPage(): ReactNode {
  return (
    <RecordsFrame>
      <EmergencyView />
    </RecordsFrame>
  );
}
