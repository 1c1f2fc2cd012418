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

/** Base64 digits in ASCII order, so that ids compare as their numbers do (SQLite's BINARY collation). */
const SORTABLE = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
const COUNTER_DIGITS = 6; // 36 bits

/**
 * A maker of ids that follow one another: a counter (6 characters in ASCII order) that starts at
 * a random place, then as many random bits as `newId` (`sg_Kx0b3Q` + 12 characters). For rows
 * written by the thousand (the import, issue 11): with random ids every new row of every index
 * keyed by an id lands on a page of its own, so that a transaction of a few dozen suggestions
 * rewrote hundreds of pages; ids of one maker sit side by side, and each transaction adds to the
 * same few pages. They are as unguessable as any other id (the random part is the same), and
 * tell nothing but their order among the ids of the same maker.
 */
export function orderedIds(): NewId {
  const start = crypto.getRandomValues(new Uint32Array(1))[0]!;
  // Below 2^35: room for 2^35 ids before the counter would need a seventh digit.
  let counter = start * 8;
  return (prefix) => {
    let n = counter++;
    let digits = '';
    for (let i = 0; i < COUNTER_DIGITS; i++, n = Math.floor(n / 64)) digits = SORTABLE[n % 64]! + digits;
    return `${prefix}_${digits}${newId(prefix).slice(prefix.length + 1)}`;
  };
}
