/** /profiles/:profileId and /profiles/:profileId/:tab */
import type { ReactNode } from "react";

import { ProfileRecordsPage } from "../ProfileRecordsPage";
import { RecordsFrame } from "../RecordsFrame";

export default function ProfileRecordsRoute(): ReactNode {
  return (
    <RecordsFrame>
      <ProfileRecordsPage />
    </RecordsFrame>
  );
}
