/**
 * Short, unguessable, prefixed ids (`as_4kq…`). Unguessable matters: a card button carries an id,
 * and a forged press must not reach another suggestion by counting. Web Crypto and btoa exist in
 * Node 20 and in Workers alike, so this file runs on both.
 */
export type IdPrefix = 'sg' | 'as' | 'rr' | 'pr' | 'ct' | 'op' | 'an' | 'cm' | 'ev' | 'ob' | 'cd';
export type NewId = (prefix: IdPrefix) => string;

export const newId: NewId = (prefix) => {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  const base64 = btoa(String.fromCharCode(...bytes));
  return `${prefix}_${base64.replace(/\+/g, '-').replace(/\//g, '_')}`;
};
