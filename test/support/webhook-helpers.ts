/**
 * Helpers for the webhook tests (test/lark-webhook.test.ts, test/webhook-parity.test.ts): bodies
 * sealed by hand (for tampering the event sender has no option for), suggestions imported through
 * the admin API, and — on Node, from its database — snapshots of everything a refused request
 * must leave alone.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import * as schema from '../../src/adapters/sqlite/schema.ts';
import { decryptEvent, encryptEvent } from '../../src/transports/lark/crypto.ts';
import type { LarkWorld, startNodeLarkWorld } from './lark-world.ts';

/** A world on Node, whose database the tests of Node's internals read. */
export type NodeLarkWorld = Awaited<ReturnType<typeof startNodeLarkWorld>>;
type Json = Record<string, unknown>;

/** The toasts a person sees (SPEC §5). */
export const SIGNED = '已签收';
export const ALREADY_HANDLED = '该操作已处理';
export const NOT_THIS_GROUP = '这张卡片不属于本群';
export const UNRECOGNISED = '无法识别的按钮';
export const SIGN_FORBIDDEN = '仅承办单位联络员或负责人可签收';

/** `{"encrypt":"…"}` of `plain`, encrypted with the bot's Encrypt Key, exactly as Lark sends it. */
export async function sealed(w: LarkWorld, plain: unknown): Promise<string> {
  return JSON.stringify({ encrypt: await encryptEvent(JSON.stringify(plain), w.secrets.encryptKey) });
}

/**
 * `{"encrypt":"…"}` encrypted with another key. A random IV can, rarely, give bytes that happen to
 * decrypt with the right key (valid padding); such ciphertexts are skipped so the test is exact.
 */
export async function sealedWithWrongKey(w: LarkWorld, plain: unknown): Promise<string> {
  const { encryptKey } = w.secrets;
  for (;;) {
    const encrypt = await encryptEvent(JSON.stringify(plain), `${encryptKey}-not-the-key`);
    const opens = await decryptEvent(encrypt, encryptKey).then(
      () => true,
      () => false,
    );
    if (!opens) return JSON.stringify({ encrypt });
  }
}

const count = (w: NodeLarkWorld, table: typeof schema.groupMessages | typeof schema.processedEvents | typeof schema.auditLog | typeof schema.outbox | typeof schema.cardMessages) =>
  w.duban.runtime.db.select({ n: sql<number>`count(*)` }).from(table).get()!.n;

export function tableCounts(w: NodeLarkWorld) {
  return {
    group_messages: count(w, schema.groupMessages),
    processed_events: count(w, schema.processedEvents),
    audit_log: count(w, schema.auditLog),
    outbox: count(w, schema.outbox),
  };
}

/** What people can see change: every assignment's and answer's state, and what is queued for Lark. */
export function visibleState(w: NodeLarkWorld) {
  return {
    assignments: w.duban.runtime.db.select({ id: schema.assignments.id, state: schema.assignments.state }).from(schema.assignments).orderBy(asc(schema.assignments.id)).all(),
    answers: w.duban.runtime.db.select({ id: schema.answers.id, status: schema.answers.status }).from(schema.answers).orderBy(asc(schema.answers.id)).all(),
    outbox: count(w, schema.outbox),
    group_messages: count(w, schema.groupMessages),
    cards: count(w, schema.cardMessages),
  };
}

/** A suggestion in the shape of the admin API (SPEC §8), with a unique number. */
export function suggestionInput(number: string, overrides: Json = {}): Json {
  return {
    session: '市六届人大二次会议',
    number,
    kind: '建议',
    timing: '大会',
    title: `关于优化中心城区公交线网的建议（${number}）`,
    body: '部分线路重复设置、换乘不便，建议结合轨道交通优化公交线网并增设微循环线路。',
    category: '交通邮电',
    lead_deputy: 'd01',
    co_deputies: ['d02'],
    lead_unit: 'jtw',
    co_units: ['cgj'],
    assigned_on: '2026-02-10',
    key: false,
    classified: false,
    ...overrides,
  };
}

/** Imports one suggestion through the admin API, waits until its group and cards are in Lark. */
export async function importSuggestion(w: LarkWorld, number: string, overrides: Json = {}): Promise<{ id: string; chatId: string }> {
  const res = await w.api('POST', '/api/suggestions', suggestionInput(number, overrides));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.created).toBe(1);
  const id = res.body.items[0].id as string;
  await w.drain();
  return { id, chatId: w.chatOf(id) };
}

/** The Lark message id of the (first) card of an assignment of `unitId`. */
export function assignmentCard(w: LarkWorld, suggestionId: string, unitId: string): { assignmentId: string; messageId: string } {
  const a = w.assignmentsOf(suggestionId).find((x) => x.unitId === unitId && x.state !== 'withdrawn');
  if (!a) throw new Error(`no assignment of ${unitId} on ${suggestionId}`);
  const [messageId] = w.cardMessages('assignment', a.id);
  if (!messageId) throw new Error(`no assignment card for ${a.id}`);
  return { assignmentId: a.id, messageId };
}

/** The callback value of the button labelled `label` on the card as Lark shows it now. */
export function buttonValue(w: LarkWorld, messageId: string, label: string): Json {
  const button = w.buttons(w.cardJson(messageId)).find((b) => b.label === label);
  if (!button) throw new Error(`no button "${label}" on ${messageId}`);
  return button.value;
}

export const stateOf = (w: NodeLarkWorld, assignmentId: string) => w.duban.runtime.db.select().from(schema.assignments).where(eq(schema.assignments.id, assignmentId)).get()?.state;

export const auditRows = (w: NodeLarkWorld) => w.duban.runtime.db.select().from(schema.auditLog).orderBy(asc(schema.auditLog.seq)).all();

export const storedMessages = (w: NodeLarkWorld, messageId: string) => w.duban.runtime.db.select().from(schema.groupMessages).where(eq(schema.groupMessages.messageId, messageId)).all();

/** Outbox rows that update (PATCH) the card record `cardRowId` in place. */
export function patchesOf(w: NodeLarkWorld, cardRowId: string): number {
  return w.duban.runtime.db
    .select({ n: sql<number>`count(*)` })
    .from(schema.outbox)
    .where(and(eq(schema.outbox.kind, 'patch_card'), sql`json_extract(${schema.outbox.payload}, '$.cardMessageId') = ${cardRowId}`))
    .get()!.n;
}

/** The labels of the buttons on a card JSON (as returned in a callback answer's `card.data`). */
export const labelsOf = (w: LarkWorld, card: unknown): string[] => w.buttons(card as Json).map((b) => b.label);

/** The `{ error: { code } }` of a refused webhook request. */
export const errorCode = (body: unknown): unknown => (body as { error?: { code?: unknown } } | undefined)?.error?.code;
