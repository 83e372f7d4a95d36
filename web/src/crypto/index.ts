/**
 * The crypto layer's public surface (docs/crypto.md, contract v2). The UI and the sync layer
 * import from here only; everything runs on WebCrypto, keys are CryptoKeys held in memory.
 */
export { CONTRACT_VERSION, aads, canonicalTime, encodeAad, sortCodePoints } from "./aad";
export type { AadField, RecordAadFields } from "./aad";
export {
  b64decode,
  b64encode,
  b64urlDecode,
  b64urlEncode,
  equalBytes,
  fromHex,
  fromUtf8,
  randomBytes,
  toHex,
  utf8,
} from "./encoding";
export type { Bytes } from "./encoding";
export { CryptoError, DecryptionError } from "./errors";
export { decrypt, decryptJson, encrypt, encryptJson, parseEnvelope, unwrapAesKey, wrapKey } from "./envelope";
export type { Envelope } from "./envelope";
export { KDF_ALGORITHM, MAX_ITERATIONS, MIN_ITERATIONS, checkKdf, deriveKeys, newKdf, prepareKdf } from "./kdf";
export type { DerivedKeys, KdfParams, Purpose } from "./kdf";
export {
  checkUserId,
  createAccount,
  loginKeys,
  newUserId,
  newUuid,
  openWithUserKey,
  rewrapForNewPassword,
  unlockAccount,
} from "./account";
export type { AccountKeys, RegistrationKeys, WrappedAccountKeys } from "./account";
export {
  generateRecoveryPhrase,
  normalizeRecoveryPhrase,
  recoverUserKey,
  recoveryKeys,
  recoveryMaterial,
} from "./recovery";
export { fingerprint, safetyNumber } from "./identity";
export { normalizeTag, tagKey, tagToken } from "./tags";
export { openSealed, sealToPublicKey } from "./seal";
export type { Sealed } from "./seal";
export { grantMessage, makeGrant, openGrant } from "./grants";
export type { Grant, GrantParties } from "./grants";
export {
  decryptProfileMetadata,
  encryptProfileMetadata,
  importProfileKey,
  newProfileKey,
  openKeyHistory,
  rewrapProfileKey,
  sealKeyHistory,
  unwrapProfileKey,
} from "./profiles";
export type { ProfileKey, ProfileKeyHolder, ProfileMetadata } from "./profiles";
export { decryptRecord, encryptRecord, tagTokens } from "./records";
export type { RecordPlaintext, RecordWire, RecordWireFields } from "./records";
export {
  LINK_PASSWORD_ITERATIONS,
  decryptLinkLabel,
  decryptLinkPayload,
  encryptLinkLabel,
  encryptLinkPayload,
  flaggedFragment,
  linkFragment,
  linkKeys,
  newLinkId,
  newLinkSecret,
  parseLinkFragment,
} from "./links";
export type { LinkPassword } from "./links";
