/**
 * The records features' routes, for the app's router (mount them under the unlocked guard):
 * `/profiles` and `/profiles/:profileId/:tab?`. RecordsRoot creates the stores for the
 * unlocked session and wipes them (decrypted records, profile keys) when the keys are dropped.
 */

import type { ReactNode } from "react";
import { useEffect, useMemo } from "react";
import type { RouteObject } from "react-router";
import { Outlet } from "react-router";

import { onKeysDropped } from "../../session/store";
import { useUnlocked } from "../../session/hooks";
import { ProfilesPage } from "../profiles/ProfilesPage";
import type { KeyHolders } from "../profiles/store";
import { ProfileRecordsPage } from "./ProfileRecordsPage";
import "./records.css";
import { authHttp } from "./http";
import type { UnitPreferences } from "./services";
import { METRIC_UNITS, RecordsProvider, useRecordsServices } from "./services";

function WipeOnLock(): null {
  const { records, profiles } = useRecordsServices();
  useEffect(
    () =>
      onKeysDropped(() => {
        records.clear();
        profiles.clear();
      }),
    [records, profiles],
  );
  return null;
}

/** The provider for the records pages; `timeZone` and `units` come from the account settings. */
export function RecordsRoot({
  timeZone,
  units = METRIC_UNITS,
  children,
}: {
  timeZone?: string;
  units?: UnitPreferences;
  children?: ReactNode;
}): ReactNode {
  const { keys } = useUnlocked();
  const holders = useMemo<KeyHolders>(
    () => ({
      user: () => ({ kind: "user", userId: keys.userId, key: keys.userKey }),
      // Family profiles open once the families feature hands out confirmed family keys.
      family: () => Promise.resolve(null),
    }),
    [keys],
  );
  const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <RecordsProvider http={authHttp} holders={holders} timeZone={zone} units={units}>
      <WipeOnLock />
      {children ?? <Outlet />}
    </RecordsProvider>
  );
}

/** Route objects for the app's router (children of the unlocked layout). */
export const recordsRoutes: RouteObject[] = [
  {
    element: <RecordsRoot />,
    children: [
      { path: "profiles", element: <ProfilesPage /> },
      { path: "profiles/:profileId", element: <ProfileRecordsPage /> },
      { path: "profiles/:profileId/:tab", element: <ProfileRecordsPage /> },
    ],
  },
];
