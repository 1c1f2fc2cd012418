/**
 * `POST /lark/events` (SPEC §6, API.md §1): one URL for events and card callbacks. In order:
 * size limit, JSON, decryption when an Encrypt Key is set, the URL-verification challenge (which
 * Lark does not sign), then the timestamp window and the signature over the raw body bytes, then
 * the verification token. Every refusal is a 4xx with a logged reason and changes nothing.
 * The handlers only touch the database; calls to Lark go through the outbox, so the answer comes
 * well within Lark's 3 s.
 */
import { Hono, type Context } from 'hono';
import { BodyTooLarge, headerValue, readRawRequest, UnreadableBody, type RawRequest, type RawRequestReader } from '../http/raw-request.ts';
import type { Logger } from '../../adapters/logger.ts';
import { constantTimeEqual, decryptEvent, signEvent } from './crypto.ts';
import { envelopeProblem, tokenProblem, type LarkEnvelope } from './envelope.ts';

export type { LarkEnvelope };

/** Lark events are small; anything bigger is not from Lark. */
export const WEBHOOK_BODY_LIMIT = 512 * 1024;
/** How far the request timestamp may be from our clock. Lark re-signs each redelivery. */
const MAX_SKEW_SECONDS = 300;

export interface WebhookDeps {
  encryptKey?: string | undefined;
  verificationToken?: string | undefined;
  logger: Logger;
  now: () => Date;
  handle(envelope: LarkEnvelope): Promise<unknown> | unknown;
  /** How the request is read (the Fetch API unless the runtime has a faster way). */
  readRequest?: RawRequestReader | undefined;
}

class Refusal extends Error {
  constructor(
    readonly status: 400 | 401 | 413,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function larkWebhook(deps: WebhookDeps): Hono {
  const app = new Hono();
  app.post('/', async (c) => {
    try {
      const request = await readRequest(c, deps.readRequest ?? readRawRequest);
      const outer = parseJson(request.body);
      // Lark encrypts the challenge once a key is set, but the official SDKs also answer a
      // plaintext one; so does duban (its token is still checked).
      const plain = outer.type === 'url_verification' ? outer : await openEnvelope(outer, deps.encryptKey);

      if (plain.type === 'url_verification') {
        checkToken(plain.token, deps.verificationToken);
        return c.json({ challenge: String(plain.challenge ?? '') });
      }

      if (deps.encryptKey) {
        await checkSignature(request, deps.encryptKey, deps.now());
      }
      const notAnEvent = envelopeProblem(plain);
      if (notAnEvent) throw new Refusal(400, 'invalid_event', notAnEvent);
      const envelope = plain as unknown as LarkEnvelope;
      checkToken(envelope.header.token, deps.verificationToken);
      const response = await deps.handle(envelope);
      return c.json(response && typeof response === 'object' ? response : {});
    } catch (error) {
      if (error instanceof Refusal) return refused(c, error);
      throw error;
    }
  });
  const refused = (c: Context, error: Refusal) => {
    deps.logger.warn({ status: error.status, code: error.code, reason: error.message }, 'lark webhook request refused');
    // The rest of an oversized body is never read: close the connection rather than leave it half-read.
    if (error.status === 413) c.header('Connection', 'close');
    return c.json({ error: { code: error.code, message: error.message } }, error.status);
  };
  return app;
}

async function readRequest(c: Context, read: RawRequestReader): Promise<RawRequest> {
  try {
    return await read(c, WEBHOOK_BODY_LIMIT);
  } catch (error) {
    if (error instanceof BodyTooLarge) throw new Refusal(413, 'payload_too_large', error.message);
    if (error instanceof UnreadableBody) throw new Refusal(400, 'unreadable_body', error.message);
    throw error;
  }
}

function parseJson(raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new Refusal(400, 'invalid_json', 'the body is not valid JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Refusal(400, 'invalid_json', 'the body is not a JSON object');
  return value as Record<string, unknown>;
}

async function openEnvelope(outer: Record<string, unknown>, encryptKey: string | undefined): Promise<Record<string, unknown>> {
  if (!('encrypt' in outer)) {
    if (encryptKey) throw new Refusal(400, 'not_encrypted', 'an Encrypt Key is configured, so events must be encrypted');
    return outer;
  }
  if (!encryptKey) throw new Refusal(400, 'cannot_decrypt', 'the event is encrypted but LARK_ENCRYPT_KEY is not set');
  if (typeof outer.encrypt !== 'string') throw new Refusal(400, 'cannot_decrypt', '"encrypt" must be a string');
  let text: string;
  try {
    text = await decryptEvent(outer.encrypt, encryptKey);
  } catch {
    throw new Refusal(400, 'cannot_decrypt', 'the event cannot be decrypted with the configured Encrypt Key');
  }
  return parseJson(text);
}

async function checkSignature(request: RawRequest, encryptKey: string, now: Date): Promise<void> {
  const timestamp = headerValue(request, 'x-lark-request-timestamp');
  const nonce = headerValue(request, 'x-lark-request-nonce');
  const signature = headerValue(request, 'x-lark-signature');
  if (!timestamp || !nonce || !signature) throw new Refusal(401, 'unsigned', 'the X-Lark-Request-Timestamp, -Nonce and X-Lark-Signature headers are required');
  // Lark sends unix seconds; anything else cannot be placed in time and is refused.
  if (!/^\d{9,11}$/.test(timestamp)) throw new Refusal(400, 'bad_timestamp', `the request timestamp is not unix seconds: ${timestamp.slice(0, 40)}`);
  const skew = Number(timestamp) - Math.floor(now.getTime() / 1000);
  if (Math.abs(skew) > MAX_SKEW_SECONDS) {
    throw new Refusal(400, skew < 0 ? 'stale_timestamp' : 'future_timestamp', `the request timestamp is ${Math.abs(skew)} s ${skew < 0 ? 'old' : 'in the future'}`);
  }
  const expected = await signEvent(timestamp, nonce, encryptKey, request.body);
  if (!constantTimeEqual(expected, signature.toLowerCase())) throw new Refusal(401, 'bad_signature', 'the signature does not match the body');
}

function checkToken(token: unknown, expected: string | undefined): void {
  const problem = tokenProblem(token, expected);
  if (problem) throw new Refusal(401, 'bad_token', problem);
}
