/** Settings section: the size of this device's offline copy (src/localstore/), and deleting it. */

import type { ReactNode } from "react";
import { useEffect, useState } from "react";

import type { AccountKeys } from "../../crypto";
import { t } from "../../i18n";
import { formatNumber } from "../../i18n/format";
import { useUnlocked } from "../../session/hooks";
import { Alert, Button, showToast } from "../../ui";
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

async function measure(keys: AccountKeys): Promise<{ size: number | null; quota: number | null }> {
  const size = await offlineCopyFor(keys).size();
  // navigator.storage exists only in secure contexts (https or localhost).
  const estimate = "storage" in navigator ? await navigator.storage.estimate() : null;
  return { size, quota: estimate?.quota ?? null };
}

export function OfflineCopySettings(): ReactNode {
  const { keys } = useUnlocked();
  const [size, setSize] = useState<number | null | undefined>(undefined);
  const [quota, setQuota] = useState<number | null>(null);
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
      <p className="hint">{t("records.offline_copy_hint")}</p>
      {size !== null && size !== undefined ? (
        <Button type="button" busy={busy} onClick={() => void forget()}>
          {t("records.offline_copy_delete")}
        </Button>
      ) : null}
    </section>
  );
}
