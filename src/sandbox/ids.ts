/**
 * Identifiers in Lark's shapes (oc_…, om_…, t-…), random so two sandboxes never collide.
 * WebCrypto only, like the rest of the sandbox's wire code.
 */

export function randomHex(bytes: number): string {
  const buf = crypto.getRandomValues(new Uint8Array(bytes));
  let hex = '';
  for (const b of buf) hex += b.toString(16).padStart(2, '0');
  return hex;
}

export const newChatId = (): string => `oc_${randomHex(16)}`;
export const newMessageId = (): string => `om_${randomHex(16)}`;
export const newThreadId = (): string => `omt_${randomHex(8)}`;
export const newTenantToken = (): string => `t-${randomHex(20)}`;
export const newEventId = (): string => randomHex(16);
export const newLogId = (): string => `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}${randomHex(10).toUpperCase()}`;
export const newCardToken = (): string => `c-${randomHex(20)}`;
export const newNonce = (): string => randomHex(8);

/** A real open_id is `ou_` followed by 32 hex digits; the sandbox accepts any non-empty hex tail. */
export const OPEN_ID_PATTERN = /^ou_[0-9a-f]{1,64}$/;

/** A stable, fake union_id for an open_id, so events carry all three ids like Lark's do. */
export function unionIdFor(openId: string): string {
  const tail = openId.replace(/^ou_/, '');
  return `on_${tail.split('').reverse().join('')}`;
}
