/**
 * The sandbox UI for newcomers (SPEC §9): act as a person from the directory, see the chats and
 * their messages with cards drawn crudely but usably, press buttons and submit forms (delivered
 * to the bot as `card.action.trigger` through the event sender), and post messages as that
 * person. Server-rendered HTML with no build step and no external assets; everything escaped.
 *
 * This file answers the UI's requests; page.ts and message-html.ts draw it.
 */
import type { Hono } from 'hono';
import { DAY_MS } from '../../core/clock.ts';
import { buttonValue } from '../card-check.ts';
import { actOnChat, CHAT_ACTIONS, type ChatAction } from '../chat-controls.ts';
import { advanceDaysOf } from '../clock-routes.ts';
import type { FakeLark } from '../fake-lark.ts';
import { collectButtons, formFields, textOf, type Json } from './card-reading.ts';
import type { CardProblems } from './message-html.ts';
import { formatTime } from './message-html.ts';
import { pageUrl, renderPage } from './page.ts';

function larkDate(value: string): string {
  return value ? `${value} +0800` : '';
}

/** Lark's client checks a form before it sends anything: required fields, and an input's max_length. */
const REQUIRED = '此项为必填项 · This field is required';

function formProblems(fields: Json[], value: Record<string, unknown>): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const field of fields) {
    const name = String(field.name);
    const given = value[name];
    const empty = given === undefined || given === '' || (Array.isArray(given) && given.length === 0);
    if (field.required === true && empty && field.tag !== 'checker') problems[name] = REQUIRED;
    else if (field.tag === 'input' && typeof field.max_length === 'number' && typeof given === 'string' && [...given].length > field.max_length) {
      problems[name] = `最多 ${field.max_length} 个字 · At most ${field.max_length} characters`;
    }
  }
  return problems;
}

/** The card problems a press left in the page's address (`card`, `card_error`, `invalid.<field>`, `value.<field>`). */
function readProblems(q: Record<string, string>): CardProblems | undefined {
  if (!q.card) return undefined;
  const fields = Object.fromEntries(
    Object.entries(q)
      .filter(([k]) => k.startsWith('invalid.'))
      .map(([k, v]) => [k.slice('invalid.'.length), v]),
  );
  const values = Object.fromEntries(
    Object.entries(q)
      .filter(([k]) => k.startsWith('value.'))
      .map(([k, v]) => [k.slice('value.'.length), v]),
  );
  return { messageId: q.card, fields, values, error: q.card_error };
}

export function mountSandboxUi(app: Hono, fake: FakeLark): void {
  app.get('/', (c) => {
    const q = c.req.query();
    return c.html(renderPage(fake, { as: q.as, chat: q.chat, flash: q.flash, error: q.error, toast: q.toast, problems: readProblems(q) }));
  });

  app.get('/sandbox/ui/version', (c) => c.json({ version: fake.state.version }));

  // Moves the sandbox's clock (and duban's, which reads it) forward, from the page's header.
  app.post('/sandbox/ui/clock', async (c) => {
    const form = await c.req.parseBody();
    const back = (extra: Record<string, string>) => c.redirect(pageUrl({ as: String(form.as ?? ''), chat: String(form.chat ?? ''), ...extra }), 303);
    const days = advanceDaysOf({ advance_days: Number(form.days) });
    if (typeof days !== 'number') return back({ error: days.error });
    fake.clock.advance(days * DAY_MS);
    fake.state.version++;
    return back({ flash: `The sandbox clock moved ${days} day(s) forward: it is now ${formatTime(fake.clock().getTime())} (Beijing time).` });
  });

  // Opens the person's private (p2p) chat with the bot, as Lark does when they first write to it.
  app.post('/sandbox/ui/private-chat', async (c) => {
    const form = await c.req.parseBody();
    const as = String(form.as ?? '');
    if (!fake.person(as)) return c.redirect(pageUrl({ as, error: 'Choose a person from the directory first.' }), 303);
    const chat = fake.privateChatWith(as);
    fake.state.version++;
    return c.redirect(pageUrl({ as, chat: chat.chatId }), 303);
  });

  app.post('/sandbox/ui/say', async (c) => {
    const form = await c.req.parseBody();
    const as = String(form.as ?? '');
    const chatId = String(form.chat ?? '');
    const text = String(form.text ?? '').trim();
    const back = (extra: Record<string, string>) => c.redirect(pageUrl({ as, chat: chatId, ...extra }), 303);
    if (!fake.events) return back({ error: 'No event sender is attached to this sandbox.' });
    const chat = fake.chat(chatId);
    if (!chat || !chat.members.includes(as)) return back({ error: 'Not a member of this chat.' });
    if (!text) return back({});
    const result = await fake.events.sendMessageEvent({ chatId, senderOpenId: as, text, mentionBot: form.mention === '1', chatType: chat.chatType === 'p2p' ? 'p2p' : 'group' });
    if (!fake.message(result.messageId)) {
      fake.recordUserMessage({ chatId, senderOpenId: as, text, messageId: result.messageId });
    }
    if (result.status !== 200) return back({ error: `The bot answered HTTP ${result.status || '(no answer)'} to the message event.` });
    return back({});
  });

  app.post('/sandbox/ui/chat-action', async (c) => {
    const form = await c.req.parseBody();
    const as = String(form.as ?? '');
    const chatId = String(form.chat ?? '');
    const action = String(form.action ?? '') as ChatAction;
    const back = (extra: Record<string, string>) => c.redirect(pageUrl({ as, chat: chatId, ...extra }), 303);
    if (!CHAT_ACTIONS.includes(action)) return back({ error: `Unknown chat action ${action}.` });
    const result = await actOnChat(fake, chatId, action, { operator: as });
    if (!result.ok) return back({ error: result.error });
    const told = result.event ? ` The bot was sent ${result.event.type} (HTTP ${result.event.status || 'no answer'}).` : '';
    return back({ flash: `Done: ${action}.${told}` });
  });

  app.post('/sandbox/ui/press', async (c) => {
    const form = await c.req.parseBody({ all: true });
    const one = (v: unknown) => String(Array.isArray(v) ? v[0] : (v ?? ''));
    const as = one(form.as);
    const chatId = one(form.chat);
    const messageId = one(form.message);
    const back = (extra: Record<string, string>) => c.redirect(`${pageUrl({ as, chat: chatId, ...extra })}#${encodeURIComponent(messageId)}`, 303);
    if (!fake.events) return back({ error: 'No event sender is attached to this sandbox.' });
    const chat = fake.chat(chatId);
    const message = fake.message(messageId);
    if (!chat || !message) return back({ error: 'That message no longer exists.' });
    if (!chat.members.includes(as)) return back({ error: 'Not a member of this chat.' });
    const ref = collectButtons(message.body)[Number(one(form.button))];
    if (!ref) return back({ error: 'The card changed since the page was drawn; try again.' });

    let formValue: Record<string, unknown> | undefined;
    if (ref.form) {
      formValue = {};
      for (const field of formFields(ref.form)) {
        const name = String(field.name);
        const raw = form[`field:${name}`];
        const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
        if (field.tag === 'multi_select_static') formValue[name] = values;
        else if (field.tag === 'checker') formValue[name] = values[0] === 'true';
        else if (field.tag === 'date_picker') {
          if (values[0]) formValue[name] = larkDate(values[0]);
        } else if (field.tag === 'select_static') {
          if (values[0]) formValue[name] = values[0];
        } else formValue[name] = values[0] ?? '';
      }
      const problems = formProblems(formFields(ref.form), formValue);
      if (Object.keys(problems).length > 0) {
        // Nothing is sent: Lark's client marks the fields on the card.
        // What was filled in stays on the card, as in Lark.
        const kept = Object.entries(formValue).filter(([, v]) => typeof v === 'string' && v !== '');
        return back({
          card: messageId,
          ...Object.fromEntries(Object.entries(problems).map(([k, v]) => [`invalid.${k}`, v])),
          ...Object.fromEntries(kept.map(([k, v]) => [`value.${k}`, String(v).replace(/ \+0800$/, '')])),
        });
      }
    }
    const result = await fake.events.pressButton({
      chatId,
      messageId,
      operatorOpenId: as,
      value: buttonValue(ref.button),
      ...(formValue !== undefined && { formValue }),
      ...(typeof ref.button.name === 'string' && { name: ref.button.name }),
    });
    if (result.card !== undefined && !result.cardUpdated && !result.clientError) {
      const outcome = fake.applyCardCallbackResponse(messageId, result.body);
      if (outcome.clientError) result.clientError = outcome.clientError;
    }
    if (result.clientError) return back({ card: messageId, card_error: `Lark would show error ${result.clientError.code}: ${result.clientError.msg}` });
    const toast = result.toast ? textOf(result.toast) || String(Object.values(result.toast.i18n ?? {})[0] ?? '') : '';
    return back(toast ? { toast: `${result.toast?.type ?? 'info'}: ${toast}` } : {});
  });
}
