/**
 * Lark event crypto (API.md §1): the AES-256-CBC envelope `{"encrypt":"…"}` and the request
 * signature. Shared by the bot's webhook and the sandbox's event sender.
 *
 * Built on node:crypto, which Cloudflare Workers also provide under the `nodejs_compat` flag
 * (wrangler.toml). WebCrypto would be the other portable choice, but on Node every WebCrypto call
 * is a round trip through the thread pool (~0.2–0.4 ms each, measured), which alone capped the
 * webhook well below the throughput it needs; node:crypto is synchronous and takes microseconds.
 * The functions stay async so a WebCrypto implementation can replace them without changes.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const IV_BYTES = 16;
const AES_BLOCK_BYTES = 16;

/** key = SHA-256(utf8(encryptKey)), derived once per key. */
const keys = new Map<string, Buffer>();
function aesKey(encryptKey: string): Buffer {
  let key = keys.get(encryptKey);
  if (!key) {
    key = createHash('sha256').update(encryptKey, 'utf8').digest();
    keys.set(encryptKey, key);
  }
  return key;
}

/** base64(iv16 ‖ AES-256-CBC-PKCS7(SHA-256(encryptKey), iv, utf8(plaintext))) with a random IV. */
export async function encryptEvent(plaintext: string, encryptKey: string): Promise<string> {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-cbc', aesKey(encryptKey), iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

// One decoder for every event: with `fatal` it refuses bytes that are not UTF-8, and decode()
// without `stream` keeps no state between calls.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The inverse of {@link encryptEvent}. Throws an Error saying what is wrong with the input. */
export async function decryptEvent(b64: string, encryptKey: string): Promise<string> {
  if (typeof b64 !== 'string' || b64.length === 0) {
    throw new Error('Cannot decrypt the Lark event: the "encrypt" field is empty or not a string');
  }
  const bytes = Buffer.from(b64, 'base64');
  // Node's decoder skips what is not base64 instead of failing, so a string that is not base64
  // decodes to fewer bytes than its length promises (cheaper than testing it with a pattern).
  const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  if (b64.length % 4 !== 0 || bytes.length !== (b64.length / 4) * 3 - padding) {
    throw new Error('Cannot decrypt the Lark event: the "encrypt" field is not valid base64');
  }
  const cipherLength = bytes.length - IV_BYTES;
  if (cipherLength < AES_BLOCK_BYTES || cipherLength % AES_BLOCK_BYTES !== 0) {
    throw new Error(`Cannot decrypt the Lark event: expected a 16-byte IV followed by whole 16-byte blocks, got ${bytes.length} bytes`);
  }
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', aesKey(encryptKey), bytes.subarray(0, IV_BYTES));
    plain = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES)), decipher.final()]);
  } catch {
    throw new Error('Cannot decrypt the Lark event: bad padding (is the Encrypt Key right?)');
  }
  try {
    return UTF8.decode(plain);
  } catch {
    throw new Error('Cannot decrypt the Lark event: the plaintext is not valid UTF-8 (is the Encrypt Key right?)');
  }
}

/** hex(SHA-256(utf8(timestamp + nonce + encryptKey) ‖ utf8(rawBody))): plain SHA-256, not HMAC. */
export async function signEvent(timestamp: string, nonce: string, encryptKey: string, rawBody: string): Promise<string> {
  return createHash('sha256').update(timestamp + nonce + encryptKey, 'utf8').update(rawBody, 'utf8').digest('hex');
}

/**
 * Compares two strings in constant time for strings of the same length: where they differ does
 * not show in the timing. A difference in length is answered at once; the lengths compared here
 * (a 64-digit hex signature, the verification token) are not the secret.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
