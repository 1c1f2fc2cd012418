/**
 * duban started as `npm start` starts it without Lark credentials: the real HTTP server, the
 * outbox worker with the real Lark SDK, and the sandbox on loopback sending signed, encrypted
 * events. Helpers find cards and press their buttons the way a person would: by label.
 * With LARK_EVENT_MODE=websocket (in `env`, or DUBAN_TEST_LARK_EVENT_MODE from the vitest project
 * "websocket") the events and presses come over the long connection the SDK's WSClient opens to
 * the sandbox instead, and the world starts once it is connected.
 */
import { join } from 'node:path';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import * as schema from '../../src/adapters/sqlite/schema.ts';
import type { CardKind } from '../../src/core/card-kind.ts';
import { startDuban, type StartOptions } from '../../src/runtimes/node/start-duban.ts';
import { directory, tempDir } from './world.ts';

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789';

type Json = Record<string, unknown>;

export async function startLarkWorld(env: Record<string, string> = {}, sandboxOptions: StartOptions['sandbox'] = {}) {
  const mode = process.env.DUBAN_TEST_LARK_EVENT_MODE;
  const duban = await startDuban(
    { DATABASE_PATH: join(tempDir(), 'duban.db'), PORT: '0', ADMIN_TOKEN, LOG_LEVEL: 'silent', ...(mode && { LARK_EVENT_MODE: mode }), ...env },
    undefined,
    { hostname: '127.0.0.1', outbox: { pollMs: 20 }, sandbox: sandboxOptions },
  );
  await duban.longConnection?.whenConnected();
  const sandbox = duban.sandbox!;
  const db = duban.runtime.db;

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${duban.server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  const pendingCount = () => db.select({ n: sql<number>`count(*)` }).from(schema.outbox).where(eq(schema.outbox.status, 'pending')).get()!.n;

  /** Waits until the outbox has delivered everything (or gives up after `ms`). */
  async function drain(ms = 20_000) {
    const until = Date.now() + ms;
    while (pendingCount() > 0) {
      if (Date.now() > until) throw new Error(`outbox not drained: ${JSON.stringify(db.select().from(schema.outbox).where(eq(schema.outbox.status, 'pending')).all())}`);
      duban.worker.kick();
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  function chatOf(suggestionId: string): string {
    const row = db.select().from(schema.suggestionChats).where(eq(schema.suggestionChats.suggestionId, suggestionId)).get();
    if (!row) throw new Error(`no chat for ${suggestionId}`);
    return row.chatId;
  }

  /** The Lark message ids of the posted cards of (kind, subject), oldest first. */
  function cardMessages(kind: CardKind, subjectId: string): string[] {
    return db
      .select()
      .from(schema.cardMessages)
      .where(and(eq(schema.cardMessages.kind, kind), eq(schema.cardMessages.subjectId, subjectId)))
      .orderBy(sql`rowid`)
      .all()
      .map((c) => {
        if (!c.messageId) throw new Error(`card ${kind} ${subjectId} not sent`);
        return c.messageId;
      });
  }

  function cardsOfKind(suggestionId: string, kind: CardKind) {
    return db
      .select()
      .from(schema.cardMessages)
      .where(and(eq(schema.cardMessages.suggestionId, suggestionId), eq(schema.cardMessages.kind, kind)))
      .orderBy(sql`rowid`) // in the order they were posted
      .all();
  }

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
    return result;
  }

  return {
    duban,
    sandbox,
    db,
    api,
    drain,
    pendingCount,
    chatOf,
    cardMessages,
    cardsOfKind,
    cardJson,
    buttons,
    press,
    revisions: (messageId: string) => sandbox.fake.message(messageId)!.revisions.length,
    async loadDirectory() {
      const res = await api('PUT', '/api/directory', directory);
      expect(res.status).toBe(200);
    },
    close: () => duban.close(),
    outboxRows: (status?: string) => db.select().from(schema.outbox).where(status ? eq(schema.outbox.status, status as 'pending') : undefined).all(),
    assignmentsOf: (suggestionId: string) => db.select().from(schema.assignments).where(eq(schema.assignments.suggestionId, suggestionId)).all(),
    commitmentsOf: (ids: string[]) => db.select().from(schema.commitments).where(inArray(schema.commitments.id, ids)).all(),
  };
}
