/** Web Worker running the password KDF off the main thread, so the page stays responsive. */
import { type KdfParams, type Purpose, deriveKeysInline } from "./kdfcore";

interface Request {
  id: number;
  secret: string;
  kdf: KdfParams;
  purpose: Purpose;
}

// The DOM lib types `self` as a Window; in a dedicated worker these two members are all we use.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<Request>) => void) | null;
  postMessage: (message: unknown) => void;
};

scope.onmessage = (event: MessageEvent<Request>) => {
  const { id, secret, kdf, purpose } = event.data;
  deriveKeysInline(secret, kdf, purpose).then(
    // The wrap key is a non-extractable CryptoKey: structured clone carries it, never its bytes.
    (keys) => {
      scope.postMessage({ id, ok: true, authKey: keys.authKey, wrapKey: keys.wrapKey });
    },
    (error: unknown) => {
      scope.postMessage({ id, ok: false, message: error instanceof Error ? error.message : "KDF failed" });
    },
  );
};
