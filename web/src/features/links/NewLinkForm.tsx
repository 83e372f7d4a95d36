/**
 * Create a share link: which profile, which records (kinds and a date range, or hand-picked),
 * an expiry within the server's limit, an optional maximum number of opens and password.
 */

import { type SyntheticEvent, type ReactNode, useMemo, useState } from "react";

import type { RecordKind } from "../../domain/kinds";
import { KIND_LABELS, RECORD_KINDS } from "../../domain/kinds";
import { summarize } from "../../domain/timeline";
import { formatDateTime } from "../../i18n/format";
import { useUnlocked } from "../../session/hooks";
import { Alert, Button, Checkbox, SelectField, TextField } from "../../ui";
import { authHttp } from "../records/http";
import { useProfileRecords, useProfiles, useRecordsServices } from "../records/services";
import type { Selection } from "./content";
import { latestExpiryDay, localDay, selectRecords, shareContent } from "./content";
import type { MadeLink } from "./own";
import { makeLink } from "./own";

const DEFAULT_KINDS: readonly RecordKind[] = ["health_data", "lab_result", "medication"];

function RecordPicker({ profileId, picked, onChange }: { profileId: string; picked: ReadonlySet<string>; onChange: (ids: Set<string>) => void }): ReactNode {
  const { records, status } = useProfileRecords(profileId);
  const { timeZone } = useRecordsServices();
  if (status === "loading" && records.length === 0) return <p role="status">Loading the records…</p>;
  if (records.length === 0) return <p>This profile has no records yet.</p>;
  return (
    <fieldset className="record-picker">
      <legend>Records to share ({picked.size} chosen)</legend>
      <ul>
        {records.map((r) => {
          const s = summarize(r);
          return (
            <li key={r.id}>
              <Checkbox
                label={`${formatDateTime(r.occurredAt)} · ${s.title}${s.detail ? `: ${s.detail}` : ""} (${localDay(r.occurredAt, timeZone)})`}
                checked={picked.has(r.id)}
                onChange={(e) => {
                  const next = new Set(picked);
                  if (e.target.checked) next.add(r.id);
                  else next.delete(r.id);
                  onChange(next);
                }}
              />
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

export function NewLinkForm({ maxDays, onCreated, onCancel }: { maxDays: number; onCreated: (c: MadeLink) => void; onCancel: () => void }): ReactNode {
  const { keys } = useUnlocked();
  const { timeZone } = useRecordsServices();
  const profiles = useProfiles().profiles.filter((p) => p.readable);
  const [profileId, setProfileId] = useState("");
  const chosenId = profileId !== "" ? profileId : (profiles[0]?.id ?? "");
  const profile = profiles.find((p) => p.id === chosenId);
  const { records } = useProfileRecords(chosenId);
  const now = useMemo(() => new Date(), []);
  const latest = latestExpiryDay(now, maxDays, timeZone);
  const [mode, setMode] = useState<"filter" | "pick">("filter");
  const [kinds, setKinds] = useState<Set<RecordKind>>(new Set(DEFAULT_KINDS));
  const [from, setFrom] = useState(() => localDay(new Date(now.getTime() - 90 * 86_400_000).toISOString(), timeZone));
  const [to, setTo] = useState(() => localDay(now.toISOString(), timeZone));
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [expiry, setExpiry] = useState(() => localDay(new Date(now.getTime() + 7 * 86_400_000).toISOString(), timeZone));
  const [maxOpens, setMaxOpens] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [note, setNote] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const chosen = useMemo(() => {
    const selection: Selection =
      mode === "pick" ? { mode, ids: picked } : { mode, kinds, from: from === "" ? null : from, to: to === "" ? null : to };
    return selectRecords(records, selection, timeZone);
  }, [records, mode, picked, kinds, from, to, timeZone]);

  function validate(): Record<string, string> {
    const e: Record<string, string> = {};
    if (!profile) e.profile = "Choose whose records to share.";
    if (mode === "filter" && kinds.size === 0) e.kinds = "Choose at least one kind of record.";
    if (mode === "filter" && from !== "" && to !== "" && from > to) e.to = "The end date is before the start date.";
    if (chosen.length === 0) e.records = "No records match: widen the date range or choose other kinds.";
    const today = localDay(now.toISOString(), timeZone);
    if (expiry === "" || expiry < today) e.expiry = "Choose an expiry date from today on.";
    else if (expiry > latest) e.expiry = `This server keeps share links for at most ${maxDays} days: choose ${latest} or earlier.`;
    if (maxOpens !== "") {
      const n = Number(maxOpens);
      if (!Number.isInteger(n) || n < 1 || n > 10_000) e.maxOpens = "Enter a whole number from 1 to 10000, or leave it empty.";
    }
    if (password !== "" && password.length < 8) e.password = "Use at least 8 characters, or leave it empty for no password.";
    if (password !== confirm) e.confirm = "The passwords do not match.";
    return e;
  }

  async function submit(event: SyntheticEvent): Promise<void> {
    event.preventDefault();
    const e = validate();
    setErrors(e);
    setFailure(null);
    if (Object.keys(e).length > 0 || !profile) return;
    setBusy(true);
    try {
      const created = await makeLink(authHttp, keys, {
        kind: "share",
        content: shareContent(profile, chosen),
        expiryDay: expiry,
        timeZone,
        maxDays,
        maxAccessCount: maxOpens === "" ? null : Number(maxOpens),
        password: password === "" ? null : password,
        label: { note, profileId: profile.id, profileName: profile.name, records: chosen.length },
      });
      setPassword("");
      setConfirm("");
      onCreated(created);
    } catch (err) {
      setFailure(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form link-form" noValidate onSubmit={(e) => void submit(e)} aria-labelledby="new-link-title">
      <h2 id="new-link-title">New share link</h2>
      {failure ? <Alert title="The link was not created">{failure}</Alert> : null}
      <SelectField
        label="Whose records"
        value={chosenId}
        onChange={(e) => setProfileId(e.target.value)}
        options={profiles.map((p) => ({ value: p.id, label: p.name }))}
        error={errors.profile}
      />
      <fieldset>
        <legend>What to share</legend>
        <div className="field field-check">
          <input type="radio" id="mode-filter" name="mode" checked={mode === "filter"} onChange={() => setMode("filter")} />
          <label htmlFor="mode-filter">Records by kind and date range</label>
        </div>
        <div className="field field-check">
          <input type="radio" id="mode-pick" name="mode" checked={mode === "pick"} onChange={() => setMode("pick")} />
          <label htmlFor="mode-pick">Records I choose one by one</label>
        </div>
      </fieldset>
      {mode === "filter" ? (
        <>
          <fieldset aria-describedby={errors.kinds ? "kinds-error" : undefined}>
            <legend>Kinds of records</legend>
            {RECORD_KINDS.map((k) => (
              <Checkbox
                key={k}
                label={KIND_LABELS[k]}
                checked={kinds.has(k)}
                onChange={(e) => {
                  const next = new Set(kinds);
                  if (e.target.checked) next.add(k);
                  else next.delete(k);
                  setKinds(next);
                }}
              />
            ))}
            {errors.kinds ? (
              <p className="field-error" id="kinds-error">
                {errors.kinds}
              </p>
            ) : null}
          </fieldset>
          <div className="field-row">
            <TextField label="From (first day)" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
            <TextField label="To (last day)" type="date" value={to} onChange={(e) => setTo(e.target.value)} error={errors.to} />
          </div>
        </>
      ) : chosenId ? (
        <RecordPicker profileId={chosenId} picked={picked} onChange={setPicked} />
      ) : null}
      <p className={errors.records ? "field-error" : "aside"} role="status">
        {errors.records ?? `${chosen.length} record${chosen.length === 1 ? "" : "s"} will be shared.`}
      </p>
      <TextField
        label="Expires at the end of"
        type="date"
        min={localDay(now.toISOString(), timeZone)}
        max={latest}
        value={expiry}
        onChange={(e) => setExpiry(e.target.value)}
        hint={`At most ${maxDays} days ahead (this server's limit).`}
        error={errors.expiry}
      />
      <TextField
        label="Maximum number of opens (optional)"
        type="number"
        inputMode="numeric"
        min={1}
        max={10000}
        value={maxOpens}
        onChange={(e) => setMaxOpens(e.target.value)}
        hint="Leave empty to allow any number of opens until the expiry."
        error={errors.maxOpens}
      />
      <TextField
        label="Password (optional)"
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        hint="Tell it to the recipient another way (by phone, in person): it is not part of the link."
        error={errors.password}
      />
      <TextField
        label="Repeat the password"
        type="password"
        autoComplete="new-password"
        value={confirm}
        onChange={(e) => setConfirm(e.target.value)}
        error={errors.confirm}
      />
      <TextField label="Your note (only you see it)" value={note} onChange={(e) => setNote(e.target.value)} maxLength={200} />
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={busy}>
          Create the link
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
      {busy && password !== "" ? <p className="aside">Deriving the key from the password takes a few seconds.</p> : null}
    </form>
  );
}
