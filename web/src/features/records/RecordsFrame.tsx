/** Puts the session's records stores, time zone and units around a records page. */

import type { ReactNode } from "react";

import { useUnlocked } from "../../session/hooks";
import { useSettings } from "../../session/settings";
import { RecordsProvider } from "./services";
import { storesFor } from "./session";
import "./records.css";

export function RecordsFrame({ children }: { children: ReactNode }): ReactNode {
  const { keys } = useUnlocked();
  const settings = useSettings();
  return (
    <RecordsProvider stores={storesFor(keys)} timeZone={settings.timezone} units={settings.units}>
      {children}
    </RecordsProvider>
  );
}
