/**
 * This device's integrity state for families (docs/crypto.md §7 and §9): the trust store's
 * pins and the highest family key epoch seen. Both are public values (fingerprints of other
 * users' public keys, epoch numbers), never secrets; they must survive a reload, so they live
 * in localStorage next to the device preferences (src/session/prefs.ts).
 */
/* eslint-disable no-restricted-globals -- pins and epochs are public integrity state, not secrets (see above) */

import type { PinStorage } from "./trust";

export const deviceStorage: PinStorage = {
  getItem: (key) => localStorage.getItem(key),
  setItem: (key, value) => localStorage.setItem(key, value),
};
