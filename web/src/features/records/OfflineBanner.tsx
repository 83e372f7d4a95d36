/** "You are offline … last synced at <time>": shown while the session runs on this device's copy. */
import type { ReactNode } from "react";
import { useEffect, useState, useSyncExternalStore } from "react";
import { t } from "../../i18n";
import { formatDateTime } from "../../i18n/format";
import { useUnlocked } from "../../session/hooks";
import { isOffline, subscribeOffline } from "../../session/offline";
import { lastSyncedFor } from "./session";

export function OfflineBanner(): ReactNode {
  const { keys } = useUnlocked();
  const offline = useSyncExternalStore(subscribeOffline, isOffline, () => false);
  const [synced, setSynced] = useState<string | null>(null);
  useEffect(() => {
    if (!offline) return;
    let live = true;
    lastSyncedFor(keys).then(
      (at) => live && setSynced(at),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [keys, offline]);
  if (!offline) return null;
  return (
    <div className="offline-banner" role="status">
      {synced === null ? t("app.offline_never") : t("app.offline_since", { time: formatDateTime(new Date(synced)) })}
    </div>
  );
}
