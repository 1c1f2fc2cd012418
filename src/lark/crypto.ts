/**
 * Lark event crypto (API.md §1): the AES-256-CBC envelope `{"encrypt":"…"}` and the request
 * signature. Shared by the bot's webhook and the sandbox's event sender, and written against
 * WebCrypto, TextEncoder and btoa/atob only, so the same code runs on Node 20 and on Cloudflare
 * Workers (no node:crypto, no Buffer).
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

// Spelled this way because the project's TS lib has no DOM types (CryptoKey is a DOM name).
type AesKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

const IV_BYTES = 16;
const AES_BLOCK_BYTES = 16;

/** key = SHA-256(utf8(encryptKey)), 32 bytes, imported for AES-CBC. */
async function aesKey(encryptKey: string, usage: 'encrypt' | 'decrypt'): Promise<AesKey> {
  const raw = await crypto.subtle.digest('SHA-256', encoder.encode(encryptKey));
  return crypto.subtle.importKey('raw', raw, { name: 'AES-CBC' }, false, [usage]);
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunked so large payloads do not overflow the argument limit of String.fromCharCode.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function base64ToBytes(b64: string): Uint8Array {
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function toHex(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** base64(iv16 ‖ AES-256-CBC-PKCS7(SHA-256(encryptKey), iv, utf8(plaintext))) with a random IV. */
export async function encryptEvent(plaintext: string, encryptKey: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const key = await aesKey(encryptKey, 'encrypt');
  // WebCrypto's AES-CBC always applies PKCS#7 padding.
  const cipher = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CBC', iv }, key, encoder.encode(plaintext)));
  const out = new Uint8Array(IV_BYTES + cipher.length);
  out.set(iv, 0);
  out.set(cipher, IV_BYTES);
  return bytesToBase64(out);
}

/** The inverse of {@link encryptEvent}. Throws an Error saying what is wrong with the input. */
export async function decryptEvent(b64: string, encryptKey: string): Promise<string> {
  if (typeof b64 !== 'string' || b64.length === 0) {
    throw new Error('Cannot decrypt the Lark event: the "encrypt" field is empty or not a string');
  }
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(b64);
  } catch {
    throw new Error('Cannot decrypt the Lark event: the "encrypt" field is not valid base64');
  }
  const cipherLength = bytes.length - IV_BYTES;
  if (cipherLength < AES_BLOCK_BYTES || cipherLength % AES_BLOCK_BYTES !== 0) {
    throw new Error(
      `Cannot decrypt the Lark event: expected a 16-byte IV followed by whole 16-byte blocks, got ${bytes.length} bytes`,
    );
  }
  const key = await aesKey(encryptKey, 'decrypt');
  let plain: ArrayBuffer;
  try {
    plain = await crypto.subtle.decrypt({ name: 'AES-CBC', iv: bytes.subarray(0, IV_BYTES) }, key, bytes.subarray(IV_BYTES));
  } catch {
    throw new Error('Cannot decrypt the Lark event: bad padding (is the Encrypt Key right?)');
  }
  try {
    return decoder.decode(plain);
  } catch {
    throw new Error('Cannot decrypt the Lark event: the plaintext is not valid UTF-8 (is the Encrypt Key right?)');
  }
}

/** hex(SHA-256(utf8(timestamp + nonce + encryptKey) ‖ utf8(rawBody))): plain SHA-256, not HMAC. */
export async function signEvent(timestamp: string, nonce: string, encryptKey: string, rawBody: string): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', encoder.encode(timestamp + nonce + encryptKey + rawBody)));
}

/**
 * Compares two strings in time that depends only on the longer length: no early exit, and a
 * length mismatch is folded into the result rather than returned early.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const length = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < length; i++) {
    // charCodeAt past the end is NaN; `| 0` turns it into 0 without a branch.
    diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  }
  return diff === 0;
}
