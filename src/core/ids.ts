/**
 * Short, unguessable, prefixed ids (`as_4kq…`). Unguessable matters: a card button carries an id,
 * and a forged press must not reach another suggestion by counting. Web Crypto exists in Node 20
 * and in Workers alike, so this file runs on both.
 */
export type IdPrefix = 'sg' | 'as' | 'rr' | 'pr' | 'ct' | 'op' | 'an' | 'cm' | 'ev' | 'ob' | 'cd' | 'nd' | 'xr' | 'co' | 'qr' | 'oe' | 'cf' | 'ce';
export type NewId = (prefix: IdPrefix) => string;

const ID_BYTES = 9; // 72 random bits, 12 base64url characters
const IDS_PER_DRAW = 256;

// Random bytes are drawn from the system's CSPRNG for 256 ids at a time: one call per id cost
// more than the rest of making it (the reminder sweep makes thousands of ids in one go).
let pool = new Uint8Array(0);
let used = 0;

function randomIdBytes(): Uint8Array {
  if (used + ID_BYTES > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(ID_BYTES * IDS_PER_DRAW));
    used = 0;
  }
  used += ID_BYTES;
  return pool.subarray(used - ID_BYTES, used);
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export const newId: NewId = (prefix) => {
  const bytes = randomIdBytes();
  let id = `${prefix}_`;
  // Every 3 bytes are 4 base64url characters; 9 bytes need no padding.
  for (let i = 0; i < ID_BYTES; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    id += BASE64URL[n >> 18]! + BASE64URL[(n >> 12) & 63]! + BASE64URL[(n >> 6) & 63]! + BASE64URL[n & 63]!;
  }
  return id;
};
