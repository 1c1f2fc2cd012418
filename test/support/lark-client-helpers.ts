/**
 * Helpers for the Lark client tests: a sandbox on loopback with a fixed clock, a recording
 * proxy that sits in front of it and keeps every request exactly as it arrived (method, path,
 * query, headers that matter, body), and a normaliser that replaces the random ids (chats,
 * messages, tokens, log ids) by their order of appearance so two runs can be compared.
 */
import { serve, type ServerType } from '@hono/node-server';
import { expect } from 'vitest';
import { LarkApiError, type LarkApi } from '../../src/adapters/lark/lark-api.ts';
import type { FakeLimits } from '../../src/sandbox/open-api/fake-core.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';

export const APP_ID = 'cli_f0e1d2c3b4a59687';
export const APP_SECRET = 'fetch-client-secret';
export const ALICE = 'ou_0a1b2c3d4e5f60718293a4b5c6d7e8f9';
export const BOB = 'ou_f9e8d7c6b5a4938271605f4e3d2c1b0a';
export const CAROL = 'ou_00112233445566778899aabbccddeeff';
/** Left the organisation: Lark reports them in `invalid_id_list`. */
export const GONE = 'ou_99999999999999999999999999999999';
/** Not an open_id at all: Lark reports it in `not_existed_id_list`. */
export const NOBODY = 'ou_not-a-person';

export const text = (t: string) => JSON.stringify({ text: t });
export const TOKEN_KEY = 'POST /open-apis/auth/v3/tenant_access_token/internal';
export const SEND_ONLY = /^\/open-apis\/im\/v1\/messages$/;

/** A JSON 2.0 card as duban sends them. */
export const card = (title: string) =>
  JSON.stringify({
    schema: '2.0',
    config: { update_multi: true },
    header: { title: { tag: 'plain_text', content: title }, template: 'blue' },
    body: { elements: [{ tag: 'markdown', content: `**${title}**` }] },
  });

/** The sandbox with a fixed clock: rate-limit windows and token expiry never move by themselves. */
export function startFixedSandbox(limits?: Partial<FakeLimits>) {
  const now = new Date('2026-03-02T02:00:00Z');
  return startSandbox({
    appId: APP_ID,
    appSecret: APP_SECRET,
    verificationToken: 'unused',
    webhookUrl: 'http://127.0.0.1:9/unused',
    directory: {
      people: [
        { openId: ALICE, name: '王代表' },
        { openId: BOB, name: '李联络员' },
        { openId: CAROL, name: '张主任' },
        { openId: GONE, name: '赵离职', resigned: true },
      ],
    },
    clock: () => now,
    ...(limits && { limits }),
  });
}

/** The call must fail with a LarkApiError; returns it. */
export async function failure(call: Promise<unknown>): Promise<LarkApiError> {
  const outcome = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome, 'the call should have failed').toBeInstanceOf(LarkApiError);
  return outcome as LarkApiError;
}

/**
 * The scenario the interchangeability test runs through each client, on a fresh sandbox behind a
 * recording proxy: every call once, a chat uuid replayed, a 429 with its reset, a 503 and a revoked
 * token. Returns what went on the wire, what Lark kept and what the client returned, ids normalised.
 */
export async function recordScenario(make: (baseUrl: string) => LarkApi) {
  const sandbox = await startFixedSandbox();
  const proxy = await startRecordingProxy(sandbox.url);
  try {
    const api = make(proxy.url);
    const input = { name: '建议 #42', description: '公交线路', memberOpenIds: [ALICE], uuid: 'chat-1' };
    const { chatId } = await api.createChat(input);
    const again = await api.createChat(input);
    const members = await api.addMembers({ chatId, openIds: [BOB, GONE, NOBODY] });
    await api.addMembers({ chatId, openIds: [CAROL] });
    const removed = await api.removeMembers({ chatId, openIds: [CAROL, GONE] });
    const sent = await api.sendMessage({ chatId, msgType: 'interactive', content: card('42'), uuid: 'send-1' });
    const reply = await api.replyMessage({ messageId: sent.messageId, msgType: 'text', content: text('ok'), uuid: 'reply-1' });
    await api.patchMessage({ messageId: sent.messageId, content: card('42 done') });
    const urgents = [await api.urgent({ messageId: sent.messageId, openIds: [ALICE, CAROL], channel: 'app' })];
    sandbox.fake.faults.add({ method: 'POST', path: SEND_ONLY, status: 429, headers: { 'x-ogw-ratelimit-reset': '3' } });
    sandbox.fake.faults.add({ method: 'POST', path: SEND_ONLY, status: 503 });
    sandbox.fake.expireAllTokens();
    const refused = [];
    for (let i = 0; i < 3; i++) refused.push(await failure(api.sendMessage({ chatId, msgType: 'text', content: text('later'), uuid: 'send-2' })));
    const later = await api.sendMessage({ chatId, msgType: 'text', content: text('later'), uuid: 'send-2' });
    urgents.push(await api.urgent({ messageId: later.messageId, openIds: [BOB], channel: 'sms' }));
    const kinds = refused.map((e) => [e.kind, e.httpStatus, e.code, e.retryAfterMs]);
    const returned = { chatId, again, members, removed, sent, reply, later, urgents, kinds };
    return normaliseIds({ wire: proxy.requests, lark: sandbox.fake.snapshot(), returned });
  } finally {
    await proxy.close();
    await sandbox.close();
  }
}

export interface WireRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  /** The media type only: axios and fetch differ in whether they add `; charset=utf-8`. */
  contentType: string | undefined;
  body: unknown;
}

/** A loopback HTTP proxy that records each request and forwards it unchanged to `target`. */
export function startRecordingProxy(target: string): Promise<{ url: string; requests: WireRequest[]; close(): Promise<void> }> {
  const requests: WireRequest[] = [];
  const forward = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const raw = req.method === 'GET' ? '' : await req.text();
    requests.push({
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.get('authorization') ?? undefined,
      contentType: req.headers.get('content-type')?.split(';')[0]?.trim(),
      body: parseOr(raw),
    });
    const headers = new Headers();
    for (const name of ['authorization', 'content-type']) {
      const value = req.headers.get(name);
      if (value !== null) headers.set(name, value);
    }
    const answer = await fetch(`${target}${url.pathname}${url.search}`, { method: req.method, headers, ...(raw && { body: raw }) });
    return new Response(await answer.arrayBuffer(), { status: answer.status, headers: answer.headers });
  };
  return new Promise((resolve) => {
    const server: ServerType = serve({ fetch: forward, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        requests,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      }),
    );
  });
}

function parseOr(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * Replaces chat, message and thread ids, tenant tokens and log ids by `<oc 1>`, `<t- 2>`, … in
 * order of appearance (through JSON, so an `undefined` in an array becomes null).
 */
export function normaliseIds<T>(value: T): T {
  const seen = new Map<string, string>();
  const text = JSON.stringify(value).replace(/\b(oc|om|omt)_[0-9a-f]{16,32}\b|\bt-[0-9a-f]{40}\b|\b\d{14}[0-9A-F]{20}\b/g, (id) => {
    if (!seen.has(id)) seen.set(id, `<${id.startsWith('t-') ? 't-' : /^\d/.test(id) ? 'log' : id.split('_')[0]} ${seen.size + 1}>`);
    return seen.get(id)!;
  });
  return JSON.parse(text) as T;
}
