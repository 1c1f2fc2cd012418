/**
 * Tampered and malformed deliveries of two real events (a message and a 签收 press), each with
 * the status and error code `POST /lark/events` must refuse it with (SPEC §6). Shared by
 * test/lark-webhook.test.ts (Node, checked down to its tables) and test/webhook-parity.test.ts
 * (either runtime, checked through the admin API), so both hold the bot to the same list.
 */
import { request as httpRequest } from 'node:http';
import { expect } from 'vitest';
import type { Delivery, DeliveryOptions, MessageEventInput, ButtonPressInput } from '../../src/sandbox/event-sender.ts';
import type { LarkWorld } from './lark-world.ts';
import { assignmentCard, buttonValue, errorCode, importSuggestion, sealed, sealedWithWrongKey } from './webhook-helpers.ts';
import { deputy, unit } from './world.ts';

export type Target = 'message' | 'press';

/** The two real events: built once by the sender, then sent tampered or as they are. */
export interface RealEvents {
  message(): MessageEventInput & { messageId: string; eventId: string };
  press(): ButtonPressInput & { eventId: string };
}

/** What the real message says. */
export const REAL_TEXT = '请问这条建议目前办到哪一步了？';

/**
 * Imports suggestion `number` and builds its two real events — a deputy's question in the group
 * and the lead unit's liaison pressing 签收 — sending each once with a bad signature (refused), so
 * their envelopes can be sent again, tampered or as they are.
 */
export async function realEvents(w: LarkWorld, number: string) {
  const suggestion = await importSuggestion(w, number);
  const { assignmentId, messageId: cardMessageId } = assignmentCard(w, suggestion.id, 'jtw');
  const value = buttonValue(w, cardMessageId, '签收');
  const tag = `${number}${'0'.repeat(28 - number.length)}`;
  const events: RealEvents = {
    message: () => ({ chatId: suggestion.chatId, senderOpenId: deputy('d02'), text: REAL_TEXT, messageId: `om_${tag}msg1`, eventId: `e${tag}msg1` }),
    press: () => ({ chatId: suggestion.chatId, messageId: cardMessageId, operatorOpenId: unit('jtw').liaison, value, eventId: `e${tag}prs1` }),
  };
  expect((await w.sandbox.events.sendMessageEvent(events.message(), { badSignature: true })).status).toBe(401);
  expect((await w.sandbox.events.pressButton(events.press(), { badSignature: true })).status).toBe(401);
  return { suggestion, assignmentId, cardMessageId, events };
}

export type RefusalCase = [name: string, status: number, code: string, send: (target: Target) => Promise<Delivery>];

/**
 * POSTs `body` with Transfer-Encoding: chunked (fetch always sends a Content-Length for a string),
 * so the server can only find the size by reading. Each request on its own connection.
 */
export function postChunked(url: string, body: string): Promise<Delivery> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const req = httpRequest(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      let rawBody = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (rawBody += chunk));
      res.on('end', () => {
        let body: unknown = rawBody;
        try {
          body = JSON.parse(rawBody);
        } catch {
          // not JSON: the text, for the failure message
        }
        resolve({ eventId: undefined, attempt: 1, status: res.statusCode ?? 0, body, rawBody, timedOut: false, durationMs: Date.now() - started });
      });
    });
    // The server answers 413 and closes the connection part-way through; that is expected.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    for (let at = 0; at < body.length; at += 64 * 1024) req.write(body.slice(at, at + 64 * 1024));
    req.end();
  });
}

/**
 * Every way a delivery of the real events is refused. The list is known when the tests are
 * collected; `running` gives the world and its events when a case is sent.
 */
export function refusalCases(running: () => { w: LarkWorld; events: RealEvents }): RefusalCase[] {
  /** The plaintext envelope the sender built for the real event (what Lark would have sent). */
  const envelopeOf = (target: Target) => {
    const { w, events } = running();
    const env = w.sandbox.events.envelope(target === 'message' ? events.message().eventId : events.press().eventId);
    if (!env) throw new Error(`no ${target} envelope`);
    return env;
  };
  const viaSender = (tamper: DeliveryOptions) => (target: Target): Promise<Delivery> => {
    const { w, events } = running();
    return target === 'message' ? w.sandbox.events.sendMessageEvent(events.message(), tamper) : w.sandbox.events.pressButton(events.press(), tamper);
  };
  const world = () => running().w;
  const oversized = async (target: Target) => sealed(world(), { ...envelopeOf(target), padding: 'x'.repeat(600 * 1024) });
  const sendRaw: LarkWorld['sandbox']['events']['sendRaw'] = (...args) => world().sandbox.events.sendRaw(...args);

  return [
    ['a bad signature', 401, 'bad_signature', viaSender({ badSignature: true })],
    ['a wrong verification token (correctly signed)', 401, 'bad_token', viaSender({ token: 'not-the-verification-token' })],
    ['a stale timestamp (600 s old)', 400, 'stale_timestamp', viaSender({ timestampOffsetSeconds: -600 })],
    ['a timestamp 600 s in the future', 400, 'future_timestamp', viaSender({ timestampOffsetSeconds: 600 })],
    ['a timestamp that is not unix seconds (correctly signed)', 400, 'bad_timestamp', viaSender({ timestamp: 'Mon Feb 10 09:00:00 CST 2026' })],
    ['no signature headers', 401, 'unsigned', async (target) => sendRaw(await sealed(world(), envelopeOf(target)))],
    ['malformed JSON (the signed body cut short)', 400, 'invalid_json', async (target) => sendRaw((await sealed(world(), envelopeOf(target))).slice(0, -1), {}, { sign: true })],
    ['malformed JSON ({"encrypt": and nothing more)', 400, 'invalid_json', async () => sendRaw('{"encrypt":', {}, { sign: true })],
    ['a signed body that is not encrypted although an Encrypt Key is set', 400, 'not_encrypted', async (target) => sendRaw(envelopeOf(target), {}, { sign: true })],
    ['an "encrypt" field that does not decrypt with the Encrypt Key', 400, 'cannot_decrypt', async (target) => sendRaw(await sealedWithWrongKey(world(), envelopeOf(target)), {}, { sign: true })],
    [
      'a body larger than 512 KB',
      413,
      'payload_too_large',
      async (target) => {
        const res = await sendRaw(await oversized(target), {}, { sign: true });
        // The 413 goes out before the body is read; @hono/node-server then drains the body for up
        // to 500 ms and closes the kept-alive socket. Let that happen before the next request, or
        // fetch would reuse the socket and fail ("other side closed"); see the report.
        await new Promise((resolve) => setTimeout(resolve, 1000));
        return res;
      },
    ],
    ['a body larger than 512 KB sent in chunks, with no Content-Length to refuse it by', 413, 'payload_too_large', async (target) => postChunked(`${world().url}/lark/events`, await oversized(target))],
  ];
}

/** Sends a case for both real events and checks each is refused with `status` and `code` (a press with no toast). */
export async function expectRefusedBoth(send: RefusalCase[3], status: number, code: string): Promise<void> {
  for (const target of ['message', 'press'] as const) {
    const res = await send(target);
    expect(res.status, `${target}: ${res.rawBody.slice(0, 200)}`).toBe(status);
    expect(errorCode(res.body), target).toBe(code);
    if (target === 'press') expect((res as { toast?: unknown }).toast).toBeUndefined();
  }
}
