/**
 * What every Lark event must be before the handlers see it, however it arrived (the webhook or the
 * long connection, SPEC §6): a schema 2.0 envelope, and one carrying the app's verification token
 * when one is configured. Each check answers the reason it fails, for the log and the refusal.
 */
import { constantTimeEqual } from './crypto.ts';
import { envelopeHeaderSchema, firstIssue } from './event-schemas.ts';

export interface LarkEnvelope {
  schema?: string;
  header: { event_id: string; event_type: string; create_time?: string; token?: string; app_id?: string; tenant_key?: string };
  event: Record<string, unknown>;
}

/**
 * Why `plain` is not a schema 2.0 event the handlers can take, or undefined when it is one. The
 * header is checked field by field (envelopeHeaderSchema); the event body is each handler's to check.
 */
export function envelopeProblem(plain: unknown): string | undefined {
  const envelope = plain as Partial<LarkEnvelope> | null;
  const ok =
    typeof envelope === 'object' &&
    envelope !== null &&
    typeof envelope.header === 'object' &&
    envelope.header !== null &&
    typeof envelope.header.event_id === 'string' &&
    typeof envelope.header.event_type === 'string' &&
    typeof envelope.event === 'object' &&
    envelope.event !== null &&
    !Array.isArray(envelope.event);
  if (!ok) return 'not a schema 2.0 event: header.event_id, header.event_type and event are required';
  const header = envelopeHeaderSchema.safeParse(envelope.header);
  return header.success ? undefined : `not a schema 2.0 event: header.${firstIssue(header.error)}`;
}

/** Why `token` is not the configured verification token (none configured: nothing to check). */
export function tokenProblem(token: unknown, expected: string | undefined): string | undefined {
  if (expected === undefined) return undefined;
  if (typeof token !== 'string' || !constantTimeEqual(token, expected)) return 'the verification token does not match';
  return undefined;
}
