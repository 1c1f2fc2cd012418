/**
 * duban as its users and its operator meet it, on either runtime: the real HTTP server, the
 * outbox delivering through a real Lark client, and the Lark sandbox (in this process) sending
 * signed, encrypted events. `DUBAN_E2E_RUNTIME` chooses the runtime:
 *
 * - `node` (default): `startDuban` in this process, exactly as `npm start` runs it without Lark
 *   credentials (it starts the sandbox itself);
 * - `workers`: `npm run workers:dev` in a child process (the Worker and its Durable Object under
 *   `wrangler dev`), pointed at a sandbox started here with fresh credentials.
 *
 * The world reads duban only through its admin API, so it is the same on both. Helpers find cards
 * and press their buttons the way a person would: by label. The synchronous readers (`chatOf`,
 * `cardMessages`, `cardsOfKind`, `assignmentsOf`, `outboxRows`) answer from the admin API as of
 * the world's last `press`, `drain` or `refresh`; the suggestions they know are those imported
 * through `api('POST', '/api/suggestions', …)`.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { CardKind } from '../../src/core/card-kind.ts';
import { startDuban, type RunningDuban, type StartOptions } from '../../src/runtimes/node/start-duban.ts';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/start-sandbox.ts';
import { freePort, waitFor } from './outbox-helpers.ts';
import { directory, tempDir } from './world.ts';
import { startWorkersDev } from './workers-dev.ts';

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789';

export type E2eRuntime = 'node' | 'workers';
/** The runtime the end-to-end worlds run on: DUBAN_E2E_RUNTIME=node|workers (node when unset). */
export const e2eRuntime = (): E2eRuntime => (process.env.DUBAN_E2E_RUNTIME === 'workers' ? 'workers' : 'node');

type Json = Record<string, unknown>;

/** The Lark app the bot and the sandbox share (fresh for every world). */
export interface LarkSecrets {
  appId: string;
  appSecret: string;
  encryptKey: string;
  verificationToken: string;
}

/** A row of `GET /api/outbox`. */
export interface OutboxRow {
  seq: number;
  id: string;
  suggestionId: string | null;
  kind: string;
  payload: Json;
  status: 'pending' | 'sent' | 'failed' | 'skipped';
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  result: unknown;
  createdAt: string;
  sentAt: string | null;
}

/** A card of `GET /api/suggestions/:id` (`cards`). */
export interface PostedCard {
  /** The card record (`cardMessageId` in outbox payloads). */
  id: string;
  kind: CardKind;
  subjectId: string;
  messageId: string | null;
  createdAt: string;
}

interface Assignment {
  id: string;
  unitId: string;
  role: string;
  state: string;
  [field: string]: unknown;
}

interface Detail {
  id: string;
  chatId: string | null;
  assignments: Assignment[];
  cards: PostedCard[];
  [field: string]: unknown;
}

/** A running bot of either runtime, with the sandbox it talks to. */
interface Bot {
  runtime: E2eRuntime;
  /** The bot's base URL (`/healthz`, `/api/…`, `/lark/events`). */
  url: string;
  secrets: LarkSecrets;
  sandbox: RunningSandbox;
  /** What the bot's process printed so far, when it runs in one (wrangler logs each request it serves). */
  output?: () => string;
  close(): Promise<void>;
}

export type LarkWorld = ReturnType<typeof larkWorld>;

/** duban on the runtime DUBAN_E2E_RUNTIME names (`env`: more of its variables). */
export function startLarkWorld(env: Record<string, string> = {}): Promise<LarkWorld> {
  return e2eRuntime() === 'workers' ? startWorkersLarkWorld(env) : startNodeLarkWorld(env);
}

/**
 * duban on Node in this process, as `npm start` runs it; `duban` gives the tests of Node's
 * internals their handle. With LARK_EVENT_MODE=websocket (in `env`, or DUBAN_TEST_LARK_EVENT_MODE
 * from the vitest project "websocket") events and presses come over the long connection the SDK's
 * WSClient opens to the sandbox, and the world starts once it is connected.
 */
export async function startNodeLarkWorld(env: Record<string, string> = {}, sandboxOptions: StartOptions['sandbox'] = {}) {
  const mode = process.env.DUBAN_TEST_LARK_EVENT_MODE;
  const duban: RunningDuban = await startDuban(
    { DATABASE_PATH: join(tempDir(), 'duban.db'), PORT: '0', ADMIN_TOKEN, LOG_LEVEL: 'silent', ...(mode && { LARK_EVENT_MODE: mode }), ...env },
    undefined,
    { hostname: '127.0.0.1', outbox: { pollMs: 20 }, sandbox: sandboxOptions },
  );
  await duban.longConnection?.whenConnected();
  const lark = duban.runtime.config.lark;
  const secrets = { appId: lark.appId!, appSecret: lark.appSecret!, encryptKey: lark.encryptKey!, verificationToken: lark.verificationToken! };
  return { ...larkWorld({ runtime: 'node', url: duban.server.url, secrets, sandbox: duban.sandbox!, close: () => duban.close() }), duban };
}

/** Fresh credentials, as `npm start` makes for its own sandbox. */
export function sandboxSecrets(): LarkSecrets {
  const hex = (bytes: number) => randomBytes(bytes).toString('hex');
  return { appId: `cli_e2e${hex(4)}`, appSecret: hex(16), encryptKey: hex(16), verificationToken: hex(12) };
}

/** The variables that point a bot at `sandbox` with `secrets`. */
export function larkVariables(secrets: LarkSecrets, sandbox: RunningSandbox): Record<string, string> {
  return {
    LARK_APP_ID: secrets.appId,
    LARK_APP_SECRET: secrets.appSecret,
    LARK_ENCRYPT_KEY: secrets.encryptKey,
    LARK_VERIFICATION_TOKEN: secrets.verificationToken,
    LARK_BASE_URL: sandbox.url,
  };
}

/** duban on Workers: `npm run workers:dev` in its own process group, against a sandbox in this process. */
export async function startWorkersLarkWorld(env: Record<string, string> = {}): Promise<LarkWorld> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const secrets = sandboxSecrets();
  const sandbox = await startSandbox({ ...secrets, webhookUrl: `${url}/lark/events` });
  try {
    const worker = await startWorkersDev({
      PORT: String(port),
      DATABASE_PATH: join(tempDir('duban-workers-'), 'duban.db'),
      ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
      ...larkVariables(secrets, sandbox),
      ...env,
    });
    return larkWorld({
      runtime: 'workers',
      url: worker.url,
      secrets,
      sandbox,
      output: worker.output,
      close: async () => {
        await worker.kill();
        await sandbox.close();
      },
    });
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}

/** Calls the admin API of the bot at `url`; the body is parsed when it is JSON. */
export async function adminApi(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (a report, a dossier): the text
  }
  return { status: res.status, body: parsed };
}

/** Waits until the bot at `url` has nothing pending in its outbox (or gives up after `ms`). */
export async function drainOutbox(url: string, ms = 20_000): Promise<void> {
  let pending: OutboxRow[] = [];
  await waitFor(
    async () => {
      const res = await adminApi(url, 'GET', '/api/outbox?status=pending');
      if (res.status !== 200) throw new Error(`GET /api/outbox answered ${res.status}: ${JSON.stringify(res.body)}`);
      pending = res.body;
      return pending.length === 0;
    },
    ms,
    () => `outbox not drained: ${JSON.stringify(pending.slice(0, 5))}`,
  );
}

function larkWorld(bot: Bot) {
  const { sandbox } = bot;
  const known = new Set<string>();
  const details = new Map<string, Detail>();
  let outbox: OutboxRow[] = [];

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await adminApi(bot.url, method, path, body);
    if (method === 'POST' && path === '/api/suggestions' && Array.isArray(res.body?.items)) {
      for (const item of res.body.items as Array<{ id?: string }>) if (item.id) known.add(item.id);
    }
    return res;
  };

  /** Reads the outbox and every known suggestion again. */
  async function refresh() {
    const read = async (path: string) => {
      const res = await adminApi(bot.url, 'GET', path);
      if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const ids = [...known];
    const [rows, ...found] = await Promise.all([read('/api/outbox'), ...ids.map((id) => read(`/api/suggestions/${id}`))]);
    outbox = rows as OutboxRow[];
    ids.forEach((id, i) => details.set(id, found[i] as Detail));
  }

  const detail = (suggestionId: string): Detail => {
    const d = details.get(suggestionId);
    if (!d) throw new Error(`suggestion ${suggestionId} was not imported through this world, or not read yet`);
    return d;
  };

  /** Waits until the outbox has delivered everything (or gives up after `ms`), then reads again. */
  async function drain(ms = 20_000) {
    await drainOutbox(bot.url, ms);
    await refresh();
  }

  function chatOf(suggestionId: string): string {
    const chatId = detail(suggestionId).chatId;
    if (!chatId) throw new Error(`no chat for ${suggestionId}`);
    return chatId;
  }

  /** The Lark message ids of the posted cards of (kind, subject), oldest first. */
  function cardMessages(kind: CardKind, subjectId: string): string[] {
    return [...details.values()]
      .flatMap((d) => d.cards)
      .filter((c) => c.kind === kind && c.subjectId === subjectId)
      .map((c) => {
        if (!c.messageId) throw new Error(`card ${kind} ${subjectId} not sent`);
        return c.messageId;
      });
  }

  /** The cards in a suggestion's group, in the order they were posted. */
  const cardsOf = (suggestionId: string): PostedCard[] => detail(suggestionId).cards;
  const cardsOfKind = (suggestionId: string, kind: CardKind): PostedCard[] => cardsOf(suggestionId).filter((c) => c.kind === kind);

  /** The card as Lark shows it now (after every update). */
  function cardJson(messageId: string): Json {
    const m = sandbox.fake.message(messageId);
    if (!m) throw new Error(`no message ${messageId} in the sandbox`);
    return m.body as Json;
  }

  /** Every button on a card with its label, value, name and enclosing form's field names. */
  function buttons(card: Json): Array<{ label: string; value: Json; name?: string; formFields: string[] }> {
    const found: Array<{ label: string; value: Json; name?: string; formFields: string[] }> = [];
    const walk = (node: unknown, form: string[] | undefined) => {
      if (Array.isArray(node)) return node.forEach((n) => walk(n, form));
      if (!node || typeof node !== 'object') return;
      const el = node as Json;
      if (el.tag === 'form') {
        const fields: string[] = [];
        const collect = (n: unknown) => {
          if (Array.isArray(n)) return n.forEach(collect);
          if (!n || typeof n !== 'object') return;
          const e = n as Json;
          if (e.tag !== 'button' && typeof e.name === 'string' && ['input', 'select_static', 'date_picker', 'multi_select_static'].includes(String(e.tag))) fields.push(e.name);
          Object.values(e).forEach(collect);
        };
        collect(el.elements);
        return walk(el.elements, fields);
      }
      if (el.tag === 'button') {
        const behaviors = (el.behaviors as Json[] | undefined) ?? [];
        const callback = behaviors.find((b) => b.type === 'callback');
        found.push({ label: String((el.text as Json).content), value: (callback?.value ?? {}) as Json, ...(typeof el.name === 'string' && { name: el.name }), formFields: form ?? [] });
      }
      Object.values(el).forEach((v) => walk(v, form));
    };
    walk(card, undefined);
    return found;
  }

  /** Presses the button labelled `label` on the card in message `messageId`, as `operator`. */
  async function press(messageId: string, label: string, operator: string, formValue?: Json) {
    const card = cardJson(messageId);
    const button = buttons(card).find((b) => b.label === label);
    if (!button) throw new Error(`no button "${label}" on the card; it has: ${buttons(card).map((b) => b.label).join(', ')}`);
    if (formValue) expect(Object.keys(formValue).every((k) => button.formFields.includes(k)), `fields ${Object.keys(formValue)} in form ${button.formFields}`).toBe(true);
    const result = await sandbox.events.pressButton({
      chatId: sandbox.fake.message(messageId)!.chatId,
      messageId,
      operatorOpenId: operator,
      value: button.value,
      ...(formValue && { formValue }),
      ...(button.name && { name: button.name }),
    });
    await refresh();
    return result;
  }

  return {
    runtime: bot.runtime,
    url: bot.url,
    secrets: bot.secrets,
    sandbox,
    output: bot.output ?? (() => ''),
    api,
    refresh,
    drain,
    chatOf,
    cardMessages,
    cardsOf,
    cardsOfKind,
    cardJson,
    buttons,
    press,
    revisions: (messageId: string) => sandbox.fake.message(messageId)!.revisions.length,
    async loadDirectory() {
      const res = await api('PUT', '/api/directory', directory);
      expect(res.status).toBe(200);
    },
    close: () => bot.close(),
    outboxRows: (status?: OutboxRow['status']) => outbox.filter((r) => !status || r.status === status),
    assignmentsOf: (suggestionId: string) => detail(suggestionId).assignments,
  };
}
