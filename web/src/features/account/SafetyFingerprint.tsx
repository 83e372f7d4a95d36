/** A user's fingerprint, shown as hex groups (others compare safety numbers built from it). */
import { useEffect, useState } from "react";
import { type Bytes, fingerprint, toHex } from "../../crypto";

export function SafetyFingerprint({ userId, identityKey, publicKey }: { userId: string; identityKey: Bytes; publicKey: Bytes }) {
  const [value, setValue] = useState<string>();
  useEffect(() => {
    let live = true;
    void fingerprint(userId, identityKey, publicKey).then((fp) => {
      if (live) setValue(toHex(fp).match(/.{4}/g)?.join(" "));
    });
    return () => {
      live = false;
    };
  }, [userId, identityKey, publicKey]);
  return <code className="fingerprint">{value ?? "…"}</code>;
}
