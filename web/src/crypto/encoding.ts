/** Byte encodings of the wire format: strict standard base64, unpadded base64url, UTF-8. */
import { CryptoError } from "./errors";

export type Bytes = Uint8Array<ArrayBuffer>;

const STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const STD_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const URL_RE = /^[A-Za-z0-9_-]*$/;

function encode(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += alphabet.charAt(n >>> 18) + alphabet.charAt((n >>> 12) & 63);
    out += alphabet.charAt((n >>> 6) & 63) + alphabet.charAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = ((bytes[i] ?? 0) << 16) | (rest === 2 ? (bytes[i + 1] ?? 0) << 8 : 0);
    out += alphabet.charAt(n >>> 18) + alphabet.charAt((n >>> 12) & 63);
    out += rest === 2 ? alphabet.charAt((n >>> 6) & 63) : "";
    if (pad) out += rest === 2 ? "=" : "==";
  }
  return out;
}

function decode(text: string, alphabet: string): Bytes {
  const body = text.replace(/=+$/, "");
  if (body.length % 4 === 1) throw new CryptoError("invalid base64 length");
  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let j = 0;
  for (const ch of body) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new CryptoError("invalid base64 character");
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (value >>> bits) & 0xff;
    }
  }
  // Canonical form only: the unused low bits of the last symbol must be zero.
  if ((value & ((1 << bits) - 1)) !== 0) throw new CryptoError("non-canonical base64");
  return out;
}

/** Standard base64 with padding (RFC 4648 section 4): every binary field of the JSON wire form. */
export function b64encode(bytes: Uint8Array): string {
  return encode(bytes, STD, true);
}

/** Strict inverse of b64encode: refuses whitespace, missing padding and non-canonical input. */
export function b64decode(text: string): Bytes {
  if (!STD_RE.test(text)) throw new CryptoError("invalid base64");
  return decode(text, STD);
}

/** Unpadded base64url (RFC 4648 section 5): URL fragments such as a share link's key. */
export function b64urlEncode(bytes: Uint8Array): string {
  return encode(bytes, URL, false);
}

/** Strict inverse of b64urlEncode. */
export function b64urlDecode(text: string): Bytes {
  if (!URL_RE.test(text)) throw new CryptoError("invalid base64url");
  return decode(text, URL);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** UTF-8 bytes of a string. */
export function utf8(text: string): Bytes {
  return encoder.encode(text);
}

/** A string from UTF-8 bytes; invalid UTF-8 throws. */
export function fromUtf8(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new CryptoError("invalid UTF-8");
  }
}

/** Lower-case hex. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Bytes from hex (as used by the test vectors). */
export function fromHex(hex: string): Bytes {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new CryptoError("invalid hex");
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The concatenation of byte strings. */
export function concat(...parts: Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Constant-time comparison of two byte strings (length is not secret). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** Fresh random bytes from the platform CSPRNG. */
export function randomBytes(length: number): Bytes {
  return crypto.getRandomValues(new Uint8Array(length));
}

/** Overwrite a buffer that held secret material (best effort: JS may have copied it). */
export function wipe(bytes: Uint8Array): void {
  bytes.fill(0);
}
