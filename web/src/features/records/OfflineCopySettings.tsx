/**
 * Settings section: this device's offline copy (src/localstore/): its size, per profile the
 * records kept, the last complete sync and the writes waiting to upload; and deleting it.
 */

import type { ReactNode } from "react";
import { useEffect, useState } from "react";

import type { AccountKeys } from "../../crypto";
import { t } from "../../i18n";
import { formatDateTime, formatNumber } from "../../i18n/format";
import { useUnlocked } from "../../session/hooks";
import { Alert, Button, showToast } from "../../ui";
import type { KeptProfile } from "./session";
import { offlineCopyFor } from "./session";

/** "1.2 MB" style sizes (decimal units, as browsers report storage). */
function formatBytes(bytes: number): string {
  if (bytes < 1000) return t("records.bytes", { count: bytes });
  const units = ["kB", "MB", "GB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${formatNumber(value, value < 10 ? 1 : 0)} ${units[unit] ?? "GB"}`;
}

async function measure(keys: AccountKeys): Promise<{ size: number | null; quota: number | null; profiles: KeptProfile[] | null }> {
  const copy = offlineCopyFor(keys);
  const [size, profiles] = await Promise.all([copy.size(), copy.profiles()]);
  // navigator.storage exists only in secure contexts (https or localhost).
  const estimate = "storage" in navigator ? await navigator.storage.estimate() : null;
  return { size, quota: estimate?.quota ?? null, profiles };
}

/** Per profile: records kept, last complete sync, writes waiting (by name; unlisted last). */
function KeptProfiles({ rows }: { rows: readonly KeptProfile[] }): ReactNode {
  const sorted = [...rows].sort((a, b) => (a.name === null ? 1 : 0) - (b.name === null ? 1 : 0) || (a.name ?? "").localeCompare(b.name ?? ""));
  return (
    <div className="table-wrap">
      <table className="table offline-copy-profiles">
        <caption>{t("records.offline_copy_profiles_caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("records.offline_copy_profile")}</th>
            <th scope="col">{t("records.offline_copy_records")}</th>
            <th scope="col">{t("records.offline_copy_last_synced")}</th>
            <th scope="col">{t("records.offline_copy_waiting")}</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((row) => (
            <tr key={row.profileId}>
              <th scope="row">{row.name ?? t("records.offline_copy_unlisted_profile")}</th>
              <td>{formatNumber(row.records, 0)}</td>
              <td>{row.lastSyncedAt === null ? t("records.offline_copy_never_synced") : formatDateTime(new Date(row.lastSyncedAt))}</td>
              <td>{formatNumber(row.waiting, 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function OfflineCopySettings(): ReactNode {
  const { keys } = useUnlocked();
  const [size, setSize] = useState<number | null | undefined>(undefined);
  const [quota, setQuota] = useState<number | null>(null);
  const [profiles, setProfiles] = useState<KeptProfile[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // Bumped after a deletion, to measure again.
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let live = true;
    measure(keys).then(
      (m) => {
        if (!live) return;
        setSize(m.size);
        setQuota(m.quota);
        setProfiles(m.profiles);
      },
      (err: unknown) => live && setError(t("records.offline_copy_measure_failed", { reason: err instanceof Error ? err.message : String(err) })),
    );
    return () => {
      live = false;
    };
  }, [keys, version]);

  async function forget(): Promise<void> {
    setBusy(true);
    try {
      await offlineCopyFor(keys).forget();
      showToast(t("records.offline_copy_deleted"), { tone: "success" });
      setVersion((v) => v + 1);
    } catch (err) {
      setError(t("records.offline_copy_delete_failed", { reason: err instanceof Error ? err.message : String(err) }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="offline-copy" aria-labelledby="offline-copy-heading">
      <h2 id="offline-copy-heading">{t("records.offline_copy_heading")}</h2>
      {error !== null ? <Alert>{error}</Alert> : null}
      <p role="status">
        {size === undefined
          ? t("records.offline_copy_measuring")
          : size === null
            ? t("records.offline_copy_unsupported")
            : quota === null
              ? t("records.offline_copy_size", { size: formatBytes(size) })
              : t("records.offline_copy_size_quota", { size: formatBytes(size), quota: formatBytes(quota) })}
      </p>
      {profiles !== null && profiles.length > 0 ? <KeptProfiles rows={profiles} /> : null}
      <p className="hint">{t("records.offline_copy_hint")}</p>
      {size !== null && size !== undefined ? (
        <Button type="button" busy={busy} onClick={() => void forget()}>
          {t("records.offline_copy_delete")}
        </Button>
      ) : null}
    </section>
  );
}
