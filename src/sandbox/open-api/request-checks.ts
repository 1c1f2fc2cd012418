/**
 * How the fake reads a call's fields and ids as Lark does: a missing field is a field violation
 * (99992402), a wrongly typed one 9499; people are known by open_id only.
 */
import { OPEN_ID_PATTERN } from '../ids.ts';
import { LarkError, type FakeCore } from './fake-core.ts';

export function fieldViolation(field: string, description: string): LarkError {
  return new LarkError(99992402, 'field validation failed', 400, {
    error: { field_violations: [{ field, description }] },
  });
}

export function requireString(body: Record<string, unknown>, field: string, { optional = false } = {}): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) {
    if (optional) return undefined;
    throw fieldViolation(field, `${field} is required`);
  }
  // Lark reports a wrongly typed JSON field with 9499.
  if (typeof value !== 'string') throw new LarkError(9499, `Invalid parameter type in json: ${field}.`);
  return value;
}

export function optionalStringArray(body: Record<string, unknown>, field: string): string[] {
  const value = body[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new LarkError(9499, `Invalid parameter type in json: ${field}.`);
  }
  return value as string[];
}

export function checkUuid(uuid: string | undefined): void {
  if (uuid !== undefined && (uuid.length === 0 || uuid.length > 50)) throw fieldViolation('uuid', 'uuid must be 1–50 characters');
}

export function checkUserIdType(query: URLSearchParams, name = 'user_id_type'): void {
  const value = query.get(name) ?? 'open_id';
  if (value !== 'open_id') {
    throw fieldViolation(name, `the sandbox knows people by open_id only (got ${value})`);
  }
}

type Usability = 'ok' | 'not_existed' | 'resigned';

/** Whether a person can be messaged or added: a resigned user exists but is refused or skipped. */
export function usability(core: FakeCore, openId: string): Usability {
  if (!OPEN_ID_PATTERN.test(openId)) return 'not_existed';
  const person = core.person(openId);
  if (!person) return core.strictDirectory ? 'not_existed' : 'ok';
  return person.resigned ? 'resigned' : 'ok';
}
