/** Password and recovery-phrase key derivation, run in a Web Worker where the platform has one. */
import { randomBytes, b64encode } from "./encoding";
import { CryptoError } from "./errors";
import { type DerivedKeys, type KdfParams, MIN_ITERATIONS, type Purpose, deriveKeysInline } from "./kdfcore";

export { KDF_ALGORITHM, MAX_ITERATIONS, MIN_ITERATIONS, checkKdf, normalizeSecret } from "./kdfcore";
export type { DerivedKeys, KdfParams, Purpose } from "./kdfcore";

/** Fresh parameters: a random 16-byte salt and `iterations` (600,000 unless told). */
export function newKdf(iterations = MIN_ITERATIONS): KdfParams {
  return { algorithm: "pbkdf2-sha256", iterations, salt: b64encode(randomBytes(16)) };
}

interface Reply {
  id: number;
  ok: boolean;
  authKey?: Uint8Array<ArrayBuffer>;
  wrapKey?: CryptoKey;
  message?: string;
}

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, { resolve: (keys: DerivedKeys) => void; reject: (error: Error) => void }>();

function kdfWorker(): Worker | undefined {
  if (typeof Worker === "undefined") return undefined; // Node (unit tests): derive inline
  if (!worker) {
    worker = new Worker(new URL("./kdf.worker.ts", import.meta.url), { type: "module", name: "normogen-kdf" });
    worker.onmessage = (event: MessageEvent<Reply>) => {
      const reply = event.data;
      const waiter = pending.get(reply.id);
      pending.delete(reply.id);
      if (!waiter) return;
      if (reply.ok && reply.authKey && reply.wrapKey) waiter.resolve({ authKey: reply.authKey, wrapKey: reply.wrapKey });
      else waiter.reject(new CryptoError(reply.message ?? "KDF failed"));
    };
    worker.onerror = () => {
      for (const waiter of pending.values()) waiter.reject(new CryptoError("the KDF worker failed"));
      pending.clear();
      worker = undefined;
    };
  }
  return worker;
}

/**
 * Derive the auth key and the (non-extractable) wrap key from a password or recovery phrase.
 * PBKDF2 at 600,000 iterations takes about a second: it runs in a dedicated Worker so the page
 * keeps responding; the password string crosses to the worker by structured clone only.
 */
export function deriveKeys(secret: string, kdf: KdfParams, purpose: Purpose = "password"): Promise<DerivedKeys> {
  const w = kdfWorker();
  if (!w) return deriveKeysInline(secret, kdf, purpose);
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.postMessage({ id, secret, kdf, purpose });
  });
}
