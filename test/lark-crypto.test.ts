import * as lark from '@larksuiteoapi/node-sdk';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, decryptEvent, encryptEvent, signEvent } from '../src/transports/lark/crypto.ts';

const VECTOR = 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=';

describe('Lark event crypto (API.md §1)', () => {
  it('decrypts the documented vector', async () => {
    expect(await decryptEvent(VECTOR, 'test key')).toBe('hello world');
  });

  it('signs the documented vector with plain SHA-256', async () => {
    const body = `{"encrypt":"${VECTOR}"}`;
    expect(await signEvent('1700000000', 'n1', 'test key', body)).toBe(
      '20e0244a0a89579fc6c725e19463ad506f2d8179a94226a40da918063c980598',
    );
  });

  it('round-trips and uses a random IV', async () => {
    const text = JSON.stringify({ schema: '2.0', text: '督办 — 建议 #42 ✓', long: 'x'.repeat(100_000) });
    const a = await encryptEvent(text, 'k1');
    const b = await encryptEvent(text, 'k1');
    expect(a).not.toBe(b);
    expect(await decryptEvent(a, 'k1')).toBe(text);
    expect(await decryptEvent(b, 'k1')).toBe(text);
  });

  it('produces ciphertext that the official SDK decrypts', async () => {
    for (const text of ['hello world', '', '{"challenge":"abc","token":"vt","type":"url_verification"}', '中文'.repeat(50)]) {
      const b64 = await encryptEvent(text, 'an encrypt key');
      expect(new lark.AESCipher('an encrypt key').decrypt(b64)).toBe(text);
    }
  });

  it('refuses bad input with a clear error', async () => {
    await expect(decryptEvent('', 'k')).rejects.toThrow(/empty/);
    await expect(decryptEvent('!!!not base64!!!', 'k')).rejects.toThrow(/base64/);
    // One character that is not base64, in a string of the right length.
    await expect(decryptEvent(`${VECTOR.slice(0, 10)}!${VECTOR.slice(11)}`, 'test key')).rejects.toThrow(/base64/);
    await expect(decryptEvent(`${VECTOR.slice(0, -4)}a=bc`, 'test key')).rejects.toThrow(/base64/);
    await expect(decryptEvent(btoa('short'), 'k')).rejects.toThrow(/16-byte/);
    await expect(decryptEvent(VECTOR, 'wrong key')).rejects.toThrow(/Encrypt Key/);
  });

  it('compares strings without caring where they differ', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'ab')).toBe(false);
    expect(constantTimeEqual('ab', 'abc')).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
    expect(constantTimeEqual('a\u0000', 'a')).toBe(false);
  });
});
