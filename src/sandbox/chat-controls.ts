/**
 * What people do to a chat in Lark, for the tests and the sandbox UI: remove the bot, add it
 * back, disband the chat, remove a member (or leave). The chat changes as in Lark, and the bot
 * gets the event Lark pushes for it (API.md §2): `im.chat.member.bot.deleted_v1`,
 * `im.chat.member.bot.added_v1`, `im.chat.disbanded_v1`, `im.chat.member.user.deleted_v1`. Lark
 * pushes a chat's events to the bots in it, so a chat the bot has left sends it nothing more.
 *
 * The operator must be a member of the chat. Lark lets the owner (or the tenant's admin console)
 * disband a chat, and duban's groups are owned by the bot; the sandbox lets any member do it, as
 * an admin would, so the case can be tried.
 *
 * Controls: POST /sandbox/chats/:chat_id/{remove-bot,add-bot,disband,remove-member} with
 * `{"operator": "ou_…", "member"?: "ou_…"}`; answers `{ ok, event }` or 400 `{ error }`.
 */
import type { Hono } from 'hono';
import type { ChatEventType, Delivery } from './event-sender.ts';
import type { FakeLark } from './fake-lark.ts';

export const CHAT_ACTIONS = ['remove-bot', 'add-bot', 'disband', 'remove-member'] as const;
export type ChatAction = (typeof CHAT_ACTIONS)[number];

export type ChatActionResult =
  | { ok: true; event: { type: ChatEventType; eventId: string; status: number } | null }
  | { ok: false; error: string };

export async function actOnChat(fake: FakeLark, chatId: string, action: ChatAction, who: { operator: string; member?: string }): Promise<ChatActionResult> {
  const chat = fake.chat(chatId);
  if (!chat || chat.status !== 'normal') return { ok: false, error: `no live chat ${chatId}` };
  if (!chat.members.includes(who.operator)) return { ok: false, error: `${who.operator} is not a member of the chat` };
  const botWasIn = chat.bots.includes(fake.appId);
  let type: ChatEventType;
  let users: { openId: string; name: string }[] | undefined;
  switch (action) {
    case 'remove-bot':
      if (!botWasIn) return { ok: false, error: 'the bot is not in the chat' };
      fake.removeBotFromChat(chatId);
      type = 'im.chat.member.bot.deleted_v1';
      break;
    case 'add-bot':
      if (botWasIn) return { ok: false, error: 'the bot is already in the chat' };
      fake.addBotToChat(chatId);
      type = 'im.chat.member.bot.added_v1';
      break;
    case 'disband':
      fake.dissolveChat(chatId);
      type = 'im.chat.disbanded_v1';
      break;
    case 'remove-member': {
      const member = who.member ?? who.operator;
      if (!chat.members.includes(member)) return { ok: false, error: `${member} is not a member of the chat` };
      if (chat.ownerId === member) return { ok: false, error: "Can't kick chat owner." };
      fake.removePersonFromChat(chatId, member);
      type = 'im.chat.member.user.deleted_v1';
      users = [{ openId: member, name: fake.personName(member) }];
      break;
    }
  }
  // The bot hears of it only if it is in the chat now, or was until this very change.
  const botHears = action === 'add-bot' || botWasIn;
  if (!botHears || !fake.events) return { ok: true, event: null };
  const delivery: Delivery & { eventId: string } = await fake.events.sendChatEvent({
    type,
    chatId,
    operatorOpenId: who.operator,
    chatName: chat.name,
    ...(users && { users }),
  });
  return { ok: true, event: { type, eventId: delivery.eventId, status: delivery.status } };
}

export function mountChatControls(app: Hono, fake: FakeLark): void {
  app.post('/sandbox/chats/:chat_id/:action', async (c) => {
    const action = c.req.param('action') as ChatAction;
    if (!CHAT_ACTIONS.includes(action)) return c.json({ error: `unknown action; use one of ${CHAT_ACTIONS.join(', ')}` }, 404);
    const body = (await c.req.json().catch(() => null)) as { operator?: unknown; member?: unknown } | null;
    if (typeof body?.operator !== 'string') return c.json({ error: 'send {"operator": "ou_…"} (and "member" for remove-member)' }, 400);
    const result = await actOnChat(fake, c.req.param('chat_id'), action, {
      operator: body.operator,
      ...(typeof body.member === 'string' && { member: body.member }),
    });
    return result.ok ? c.json(result) : c.json({ error: result.error }, 400);
  });
}
