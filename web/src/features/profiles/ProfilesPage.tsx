/** The people whose records this account keeps: list, add, rename, delete. */

import type { SyntheticEvent, ReactNode } from "react";
import { useEffect, useId, useRef, useState } from "react";
import { Link } from "react-router";

import { Modal } from "../records/Modal";
import { useProfiles, useRecordsServices } from "../records/services";
import type { Profile, ProfileType } from "./store";
import { PROFILE_TYPES, PROFILE_TYPE_LABELS } from "./store";

const TYPE_CHOICES: Record<ProfileType, string> = {
  self: "Myself",
  child: "A child",
  elder: "A parent",
  adult: "Another adult",
  other: "Someone else",
};

function ProfileForm({
  initialName = "",
  initialType = "self",
  submitLabel,
  onSubmit,
  onCancel,
}: {
  initialName?: string;
  initialType?: string;
  submitLabel: string;
  onSubmit: (name: string, type: ProfileType) => Promise<void>;
  onCancel?: () => void;
}): ReactNode {
  const id = useId().replace(/:/g, "");
  const [name, setName] = useState(initialName);
  const [type, setType] = useState<ProfileType>(
    (PROFILE_TYPES as readonly string[]).includes(initialType) ? (initialType as ProfileType) : "other",
  );
  const [error, setError] = useState<string | null>(null);
  const [serverError, setServerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (e: SyntheticEvent): void => {
    e.preventDefault();
    const trimmed = name.trim();
    if (trimmed === "") {
      setError("Name is required.");
      document.getElementById(`${id}-name`)?.focus();
      return;
    }
    if (trimmed.length > 100) {
      setError(`Name is too long (${trimmed.length} of at most 100 characters).`);
      document.getElementById(`${id}-name`)?.focus();
      return;
    }
    setError(null);
    setServerError(null);
    setBusy(true);
    onSubmit(trimmed, type)
      .catch((err: unknown) => setServerError(err instanceof Error ? err.message : String(err)))
      .finally(() => setBusy(false));
  };
  return (
    <form className="profile-form" onSubmit={submit} noValidate>
      <div className={`field${error ? " field-invalid" : ""}`}>
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          type="text"
          value={name}
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-name-error` : undefined}
          onChange={(e) => setName(e.target.value)}
        />
        {error ? (
          <p className="error" id={`${id}-name-error`}>
            {error}
          </p>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor={`${id}-type`}>Who is it?</label>
        <select id={`${id}-type`} value={type} onChange={(e) => setType(e.target.value as ProfileType)}>
          {PROFILE_TYPES.map((t) => (
            <option key={t} value={t}>
              {TYPE_CHOICES[t]}
            </option>
          ))}
        </select>
      </div>
      {serverError ? (
        <p className="error" role="alert">
          Not saved: {serverError}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? "Saving…" : submitLabel}
        </button>
        {onCancel ? (
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

function DeleteProfile({ profile, onDone }: { profile: Profile; onDone: () => void }): ReactNode {
  const { profiles, records } = useRecordsServices();
  const id = useId().replace(/:/g, "");
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const matches = typed.trim() === profile.name;
  return (
    <form
      className="danger-zone"
      onSubmit={(e) => {
        e.preventDefault();
        if (!matches) {
          setError(`Type the name “${profile.name}” exactly to confirm.`);
          return;
        }
        setBusy(true);
        profiles
          .remove(profile)
          .then(() => {
            records.drop(profile.id);
            onDone();
          })
          .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)))
          .finally(() => setBusy(false));
      }}
    >
      <h2>Delete {profile.name}?</h2>
      <p>This deletes the profile and every record in it, on every device. It cannot be undone.</p>
      <div className="field">
        <label htmlFor={`${id}-confirm`}>Type the name to confirm</label>
        <input
          id={`${id}-confirm`}
          type="text"
          value={typed}
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          onChange={(e) => setTyped(e.target.value)}
        />
        {error ? (
          <p className="error" id={`${id}-error`} role="alert">
            {error}
          </p>
        ) : null}
      </div>
      <div className="actions">
        <button type="submit" className="danger" disabled={busy}>
          {busy ? "Deleting…" : "Delete profile and records"}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function ProfilesPage(): ReactNode {
  const { profiles: store } = useRecordsServices();
  const state = useProfiles({ revalidate: true });
  const [adding, setAdding] = useState(false);
  const [renaming, setRenaming] = useState<Profile | null>(null);
  const [deleting, setDeleting] = useState<Profile | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = "Profiles · Normogen";
    heading.current?.focus({ preventScroll: true });
  }, []);
  const noProfiles = state.status === "ready" && state.profiles.length === 0;
  return (
    <div className="profiles-page">
      <div className="records-header">
        <h1 tabIndex={-1} ref={heading}>
          Profiles
        </h1>
        {!noProfiles ? (
          <button type="button" onClick={() => setAdding(true)}>
            Add a profile
          </button>
        ) : null}
      </div>
      {state.status === "error" ? (
        <div className="error-summary" role="alert">
          <p>The profiles could not be loaded: {state.error}</p>
          <button type="button" onClick={() => void store.load(true)}>
            Try again
          </button>
        </div>
      ) : null}
      {state.status === "loading" || state.status === "idle" ? (
        <p className="loading" role="status">
          Loading profiles…
        </p>
      ) : null}
      {noProfiles ? (
        <section className="empty" aria-labelledby="first-profile">
          <h2 id="first-profile">Whose health do you keep track of?</h2>
          <p>Add a profile for yourself, a child or a parent. Each one has its own key: its name and records are encrypted on this device.</p>
          <ProfileForm submitLabel="Add profile" onSubmit={async (name, type) => {
            await store.create(type, name);
          }} />
        </section>
      ) : null}
      {state.profiles.length > 0 ? (
        <ul className="profile-list">
          {state.profiles.map((p) => (
            <li key={p.id} className="profile-card">
              {p.readable ? (
                <Link to={`/profiles/${p.id}`} className="profile-link">
                  <span className="name">{p.name}</span>
                  <span className="type">{PROFILE_TYPE_LABELS[p.profileType] ?? p.profileType}</span>
                  {p.familyId ? <span className="type">shared in a family ({p.role})</span> : null}
                </Link>
              ) : (
                <p className="profile-link">
                  <span className="name">{p.name}</span>
                  <span className="type">This device cannot open it yet (its family key has not been confirmed).</span>
                </p>
              )}
              {p.readable && (p.role === "owner" || p.role === "caregiver") ? (
                <div className="actions">
                  <button type="button" className="secondary" onClick={() => setRenaming(p)} aria-label={`Rename ${p.name}`}>
                    Rename
                  </button>
                  {p.role === "owner" ? (
                    <button type="button" className="danger" onClick={() => setDeleting(p)} aria-label={`Delete ${p.name}`}>
                      Delete
                    </button>
                  ) : null}
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {adding ? (
        <Modal label="Add a profile" onClose={() => setAdding(false)}>
          <h2>Add a profile</h2>
          <ProfileForm
            submitLabel="Add profile"
            initialType="child"
            onSubmit={async (name, type) => {
              await store.create(type, name);
              setAdding(false);
            }}
            onCancel={() => setAdding(false)}
          />
        </Modal>
      ) : null}
      {renaming ? (
        <Modal label={`Rename ${renaming.name}`} onClose={() => setRenaming(null)}>
          <h2>Rename {renaming.name}</h2>
          <ProfileForm
            submitLabel="Save"
            initialName={renaming.name}
            initialType={renaming.profileType}
            onSubmit={async (name, type) => {
              await store.rename(renaming, name, type);
              setRenaming(null);
            }}
            onCancel={() => setRenaming(null)}
          />
        </Modal>
      ) : null}
      {deleting ? (
        <Modal label={`Delete ${deleting.name}`} onClose={() => setDeleting(null)}>
          <DeleteProfile profile={deleting} onDone={() => setDeleting(null)} />
        </Modal>
      ) : null}
    </div>
  );
}
