/**
 * Ids: 72 random bits from the system's CSPRNG, base64url, behind a prefix. Card buttons carry
 * them, so they must not repeat or be guessable by counting.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { newId } from '../src/core/ids.ts';

describe('newId', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is the prefix and 9 random bytes in base64url, each byte drawn once', () => {
    // Every byte value in turn, so the expected ids follow from the bytes alone.
    let next = 0;
    const draw = vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
      const bytes = array as unknown as Uint8Array;
      for (let i = 0; i < bytes.length; i++) bytes[i] = next++ % 256;
      return array;
    });
    // The module is fresh in this file, so its pool is empty: 512 ids take exactly two draws.
    const ids = Array.from({ length: 512 }, () => newId('ob'));
    expect(draw).toHaveBeenCalledTimes(2);
    const bytes = Uint8Array.from({ length: 512 * 9 }, (_, i) => i % 256);
    expect(ids).toEqual(Array.from({ length: 512 }, (_, k) => `ob_${Buffer.from(bytes.subarray(9 * k, 9 * k + 9)).toString('base64url')}`));
  });

  it('does not repeat over many ids, and uses only the base64url alphabet', () => {
    const ids = Array.from({ length: 50_000 }, () => newId('cd'));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^cd_[A-Za-z0-9_-]{12}$/.test(id))).toBe(true);
  });
});
