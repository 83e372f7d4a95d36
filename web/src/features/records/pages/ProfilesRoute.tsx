/** /profiles */
import type { ReactNode } from "react";

import { ProfilesPage } from "../../profiles/ProfilesPage";
import { RecordsFrame } from "../RecordsFrame";

export default function ProfilesRoute(): ReactNode {
  return (
    <RecordsFrame>
      <ProfilesPage />
    </RecordsFrame>
  );
}
