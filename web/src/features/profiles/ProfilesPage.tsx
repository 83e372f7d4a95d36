/** The people whose records this account keeps: list, add, rename, delete. */

import type { SyntheticEvent, ReactNode } from "react";
import { useEffect, useId, useRef, useState } from "react";
import { Link } from "react-router";

import { Modal } from "../records/Modal";
import { useProfiles, useRecordsServices } from "../records/services";
import type { Profile, ProfileType } from "./store";
import { PROFILE_TYPES, PROFILE_TYPE_LABELS } from "./store";
import { t } from "../../i18n";

const TYPE_CHOICES: Record<ProfileType, string> = {
  get self() { return t("profiles.myself"); },
  get child() { return t("profiles.a_child"); },
  get elder() { return t("profiles.a_parent"); },
  get adult() { return t("profiles.another_adult"); },
  get other() { return t("profiles.someone_else"); },
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
      setError(t("profiles.name_is_required"));
      document.getElementById(`${id}-name`)?.focus();
      return;
    }
    if (trimmed.length > 100) {
      setError(t("profiles.name_is_too_long_count_of", { count: trimmed.length }));
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
        <label htmlFor={`${id}-name`}>{t("profiles.name")}</label>
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
        <label htmlFor={`${id}-type`}>{t("profiles.who_is_it")}</label>
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
          {t("profiles.not_saved")} {serverError}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? t("profiles.saving") : submitLabel}
        </button>
        {onCancel ? (
          <button type="button" className="secondary" onClick={onCancel}>
            {t("profiles.cancel")}
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
          setError(t("profiles.type_the_name_name_exactly_to", { name: profile.name }));
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
      <h2>{t("profiles.delete")} {profile.name}?</h2>
      <p>{t("profiles.this_deletes_the_profile_and_every")}</p>
      <div className="field">
        <label htmlFor={`${id}-confirm`}>{t("profiles.type_the_name_to_confirm")}</label>
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
          {busy ? t("profiles.deleting") : t("profiles.delete_profile_and_records")}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          {t("profiles.cancel")}
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
    document.title = t("profiles.profiles_normogen");
    heading.current?.focus({ preventScroll: true });
  }, []);
  const noProfiles = state.status === "ready" && state.profiles.length === 0;
  return (
    <div className="profiles-page">
      <div className="records-header">
        <h1 tabIndex={-1} ref={heading}>
          {t("profiles.profiles")}
        </h1>
        {!noProfiles ? (
          <button type="button" onClick={() => setAdding(true)}>
            {t("profiles.add_a_profile")}
          </button>
        ) : null}
      </div>
      {state.status === "error" ? (
        <div className="error-summary" role="alert">
          <p>{t("profiles.the_profiles_could_not_be_loaded")} {state.error}</p>
          <button type="button" onClick={() => void store.load(true)}>
            {t("profiles.try_again")}
          </button>
        </div>
      ) : null}
      {state.status === "loading" || state.status === "idle" ? (
        <p className="loading" role="status">
          {t("profiles.loading_profiles")}
        </p>
      ) : null}
      {noProfiles ? (
        <section className="empty" aria-labelledby="first-profile">
          <h2 id="first-profile">{t("profiles.whose_health_do_you_keep_track")}</h2>
          <p>{t("profiles.add_a_profile_for_yourself_a")}</p>
          <ProfileForm submitLabel={t("profiles.add_profile")} onSubmit={async (name, type) => {
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
                  {p.familyId ? <span className="type">{t("profiles.shared_in_a_family")}{p.role})</span> : null}
                </Link>
              ) : (
                <p className="profile-link">
                  <span className="name">{p.name}</span>
                  <span className="type">{t("profiles.this_device_cannot_open_it_yet")}</span>
                </p>
              )}
              {p.readable && (p.role === "owner" || p.role === "caregiver") ? (
                <div className="actions">
                  <button type="button" className="secondary" onClick={() => setRenaming(p)} aria-label={t("profiles.rename_name", { name: p.name })}>
                    {t("profiles.rename")}
                  </button>
                  {p.role === "owner" ? (
                    <button type="button" className="danger" onClick={() => setDeleting(p)} aria-label={t("profiles.delete_name", { name: p.name })}>
                      {t("profiles.delete")}
                    </button>
                  ) : null}
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {adding ? (
        <Modal label={t("profiles.add_a_profile")} onClose={() => setAdding(false)}>
          <h2>{t("profiles.add_a_profile")}</h2>
          <ProfileForm
            submitLabel={t("profiles.add_profile")}
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
        <Modal label={t("profiles.rename_name", { name: renaming.name })} onClose={() => setRenaming(null)}>
          <h2>{t("profiles.rename")} {renaming.name}</h2>
          <ProfileForm
            submitLabel={t("profiles.save")}
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
        <Modal label={t("profiles.delete_name", { name: deleting.name })} onClose={() => setDeleting(null)}>
          <DeleteProfile profile={deleting} onDone={() => setDeleting(null)} />
        </Modal>
      ) : null}
    </div>
  );
}
