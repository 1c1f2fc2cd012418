/**
 * Recalling a message, as a person does in Lark (撤回): the message is marked deleted in the
 * sandbox (GET message answers `deleted: true`) and the bot gets `im.message.recalled_v1`. The
 * sender may recall their own message (`message_owner`); the chat's owner anyone's (`group_owner`).
 *
 * Controls: POST /sandbox/messages/:message_id/recall with `{"operator": "ou_…"}`; answers
 * `{ ok, event }` or 400 `{ error }`. The UI's 撤回 button posts /sandbox/ui/recall.
 */
import type { Hono } from 'hono';
import type { RecallType } from './event-sender.ts';
import type { FakeLark } from './fake-lark.ts';
import { pageUrl } from './ui/page.ts';

export type RecallResult = { ok: true; event: { eventId: string; status: number } | null } | { ok: false; error: string };

export async function recallMessage(fake: FakeLark, messageId: string, operator: string): Promise<RecallResult> {
  const message = fake.message(messageId);
  if (!message || message.deleted) return { ok: false, error: `no message ${messageId} to recall` };
  const chat = fake.chat(message.chatId);
  if (!chat || !chat.members.includes(operator)) return { ok: false, error: `${operator} is not a member of the chat` };
  const own = message.sender.id === operator;
  if (!own && chat.ownerId !== operator) return { ok: false, error: 'only the sender or the chat owner may recall a message' };
  const recallType: RecallType = own ? 'message_owner' : 'group_owner';
  fake.recallMessage(messageId);
  if (!fake.events || !chat.bots.includes(fake.appId)) return { ok: true, event: null };
  const delivery = await fake.events.sendRecallEvent({ messageId, chatId: chat.chatId, recallType });
  return { ok: true, event: { eventId: delivery.eventId, status: delivery.status } };
}

export function mountRecallControls(app: Hono, fake: FakeLark): void {
  app.post('/sandbox/messages/:message_id/recall', async (c) => {
    const body = (await c.req.json().catch(() => null)) as { operator?: unknown } | null;
    if (typeof body?.operator !== 'string') return c.json({ error: 'send {"operator": "ou_…"}' }, 400);
    const result = await recallMessage(fake, c.req.param('message_id'), body.operator);
    return result.ok ? c.json(result) : c.json({ error: result.error }, 400);
  });

  app.post('/sandbox/ui/recall', async (c) => {
    const form = await c.req.parseBody();
    const as = String(form.as ?? '');
    const chatId = String(form.chat ?? '');
    const result = await recallMessage(fake, String(form.message ?? ''), as);
    const back = (extra: Record<string, string>) => c.redirect(pageUrl({ as, chat: chatId, ...extra }), 303);
    if (!result.ok) return back({ error: result.error });
    return back({ flash: `Recalled.${result.event ? ` The bot was sent im.message.recalled_v1 (HTTP ${result.event.status || 'no answer'}).` : ''}` });
  });
}
