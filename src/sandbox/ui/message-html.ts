/**
 * A message as HTML: who sent it and when, its text or its card drawn crudely but usably (buttons
 * and forms post back to /sandbox/ui/press), its updates and urgent deliveries.
 */
import { childElements, isTemplateCard, rootElements } from '../card-check.ts';
import type { FakeLark } from '../fake-lark.ts';
import type { FakeChat, FakeMessage } from '../sandbox-state.ts';
import { collectButtons, FORM_FIELD_TAGS, isObject, textOf, type Json } from './card-reading.ts';
import { escapeHtml } from './escape-html.ts';

function withNames(fake: FakeLark, text: string): string {
  return text.replace(/<at\s+(?:user_)?id\s*=\s*["']?([^"'>\s]+)["']?\s*>(.*?)<\/at>/g, (_, id: string, name: string) =>
    id === 'all' ? '@all' : `@${name || fake.personName(id)}`,
  );
}

/** Times as people in the chats read them: Beijing time, "2026-03-02 10:00:00". */
const TIME_FORMAT = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export function formatTime(ms: number): string {
  return TIME_FORMAT.format(new Date(ms));
}

interface RenderContext {
  fake: FakeLark;
  as: string;
  chat: FakeChat;
  message: FakeMessage;
  buttonIndex: Map<Json, number>;
}

function hidden(ctx: RenderContext): string {
  return (
    `<input type="hidden" name="as" value="${escapeHtml(ctx.as)}">` +
    `<input type="hidden" name="chat" value="${escapeHtml(ctx.chat.chatId)}">` +
    `<input type="hidden" name="message" value="${escapeHtml(ctx.message.messageId)}">`
  );
}

function buttonLabel(el: Json): string {
  return escapeHtml(textOf(el.text) || el.name || 'button');
}

function renderField(el: Json): string {
  const name = `field:${String(el.name)}`;
  const label = textOf(el.label) || textOf(el.placeholder) || String(el.name);
  const required = el.required === true ? ' required' : '';
  let control: string;
  switch (el.tag) {
    case 'input':
      control =
        el.input_type === 'multiline_text'
          ? `<textarea name="${escapeHtml(name)}" rows="${Number(el.rows) || 3}"${required}>${escapeHtml(el.default_value)}</textarea>`
          : `<input name="${escapeHtml(name)}" type="${el.input_type === 'password' ? 'password' : 'text'}" value="${escapeHtml(el.default_value)}"${required}>`;
      break;
    case 'select_static':
    case 'multi_select_static': {
      const multiple = el.tag === 'multi_select_static' ? ' multiple' : '';
      const options = Array.isArray(el.options) ? el.options.filter(isObject) : [];
      const initial = el.initial_option;
      control =
        `<select name="${escapeHtml(name)}"${multiple}${required}>` +
        (multiple ? '' : '<option value="">—</option>') +
        options
          .map((o) => `<option value="${escapeHtml(o.value)}"${o.value === initial ? ' selected' : ''}>${escapeHtml(textOf(o.text) || o.value)}</option>`)
          .join('') +
        '</select>';
      break;
    }
    case 'date_picker':
      control = `<input name="${escapeHtml(name)}" type="date" value="${escapeHtml(el.initial_date)}"${required}>`;
      break;
    case 'checker':
      control = `<input name="${escapeHtml(name)}" type="checkbox" value="true"${el.checked === true ? ' checked' : ''}>`;
      break;
    default:
      control = `<input name="${escapeHtml(name)}" type="text">`;
  }
  return `<label class="field"><span>${escapeHtml(label)}${required ? ' *' : ''}</span>${control}</label>`;
}

function renderElements(ctx: RenderContext, elements: Json[], inForm: boolean): string {
  return elements.map((el) => renderElement(ctx, el, inForm)).join('');
}

function renderElement(ctx: RenderContext, el: Json, inForm: boolean): string {
  switch (el.tag) {
    case 'markdown':
    case 'lark_md':
    case 'plain_text':
      return `<div class="md">${escapeHtml(withNames(ctx.fake, textOf(el)))}</div>`;
    case 'div': {
      const fields = Array.isArray(el.fields) ? el.fields.filter(isObject).map((f) => textOf(f.text)) : [];
      return `<div class="md">${escapeHtml(withNames(ctx.fake, [textOf(el.text), ...fields].filter(Boolean).join('\n')))}</div>`;
    }
    case 'hr':
      return '<hr>';
    case 'column_set':
      return `<div class="cols">${childElements(el)
        .map((col) => `<div class="col">${renderElements(ctx, childElements(col), inForm)}</div>`)
        .join('')}</div>`;
    case 'collapsible_panel':
      return `<details${el.expanded === true ? ' open' : ''}><summary>${escapeHtml(textOf(isObject(el.header) ? el.header.title : undefined) || 'Details')}</summary>${renderElements(ctx, childElements(el), inForm)}</details>`;
    case 'action':
      return `<div class="actions">${renderElements(ctx, childElements(el), inForm)}</div>`;
    case 'note':
      return `<div class="note">${escapeHtml(childElements(el).map(textOf).join(' '))}</div>`;
    case 'form':
      return (
        `<form class="cardform" method="post" action="/sandbox/ui/press">${hidden(ctx)}` +
        `${renderElements(ctx, childElements(el), true)}</form>`
      );
    case 'button': {
      const index = ctx.buttonIndex.get(el) ?? -1;
      const kind = escapeHtml(el.type ?? 'default');
      if (inForm) {
        if (el.form_action_type === 'reset') return `<button type="reset" class="btn ${kind}">${buttonLabel(el)}</button>`;
        return `<button type="submit" name="button" value="${index}" class="btn ${kind}">${buttonLabel(el)}</button>`;
      }
      const links = Array.isArray(el.behaviors) ? el.behaviors.filter((b) => isObject(b) && b.type === 'open_url') : [];
      if (links.length > 0 && !collectsCallback(el)) {
        const link = links[0] as Json;
        return `<a class="btn ${kind}" href="${escapeHtml(link.default_url)}" target="_blank" rel="noreferrer">${buttonLabel(el)}</a>`;
      }
      return (
        `<form class="inline" method="post" action="/sandbox/ui/press">${hidden(ctx)}` +
        `<button type="submit" name="button" value="${index}" class="btn ${kind}">${buttonLabel(el)}</button></form>`
      );
    }
    case 'img':
      return `<div class="muted">[image ${escapeHtml(el.img_key)}]</div>`;
    default:
      if (typeof el.tag === 'string' && FORM_FIELD_TAGS.has(el.tag)) {
        return inForm ? renderField(el) : `<div class="muted">[${escapeHtml(el.tag)} outside a form: not interactive in the sandbox]</div>`;
      }
      return `<div class="muted">[${escapeHtml(el.tag)}] ${escapeHtml(withNames(ctx.fake, textOf(el.text) || textOf(el)))}</div>`;
  }
}

function collectsCallback(button: Json): boolean {
  return Array.isArray(button.behaviors) ? button.behaviors.some((b) => isObject(b) && b.type === 'callback') : isObject(button.value);
}

function renderCard(ctx: RenderContext, card: unknown): string {
  if (!isObject(card)) return `<pre>${escapeHtml(JSON.stringify(card))}</pre>`;
  if (isTemplateCard(card)) {
    return `<div class="card"><div class="muted">template card</div><pre>${escapeHtml(JSON.stringify(card.data, null, 2))}</pre></div>`;
  }
  const header = isObject(card.header) ? card.header : undefined;
  const title = header ? textOf(header.title) : '';
  const subtitle = header ? textOf(header.subtitle) : '';
  const color = header && typeof header.template === 'string' ? header.template : 'default';
  return (
    `<div class="card">` +
    (title ? `<div class="cardhead t-${escapeHtml(color)}"><b>${escapeHtml(title)}</b>${subtitle ? `<div>${escapeHtml(subtitle)}</div>` : ''}</div>` : '') +
    `<div class="cardbody">${renderElements(ctx, rootElements(card), false)}</div></div>`
  );
}

function renderMessageBody(ctx: RenderContext): string {
  const m = ctx.message;
  if (m.msgType === 'interactive') return renderCard(ctx, m.body);
  if (m.msgType === 'text' && isObject(m.body) && typeof m.body.text === 'string') {
    let text = withNames(ctx.fake, m.body.text);
    for (const mention of m.mentions) text = text.split(mention.key).join(`@${mention.name || ctx.fake.personName(mention.id)}`);
    return `<div class="md">${escapeHtml(text)}</div>`;
  }
  if (m.msgType === 'post' && isObject(m.body)) {
    const post = (Object.values(m.body)[0] ?? {}) as Json;
    const lines = Array.isArray(post.content)
      ? post.content.map((line) =>
          Array.isArray(line) ? line.map((part) => (isObject(part) ? String(part.text ?? (part.user_id ? `@${ctx.fake.personName(String(part.user_id))}` : '')) : '')).join('') : '',
        )
      : [];
    return `<div class="md"><b>${escapeHtml(post.title)}</b>\n${escapeHtml(lines.join('\n'))}</div>`;
  }
  return `<pre>${escapeHtml(m.content)}</pre>`;
}

export function renderMessage(fake: FakeLark, as: string, chat: FakeChat, message: FakeMessage): string {
  const ctx: RenderContext = {
    fake,
    as,
    chat,
    message,
    buttonIndex: new Map(collectButtons(message.body).map((ref, i) => [ref.button, i])),
  };
  const who = message.sender.senderType === 'app' ? `🤖 ${fake.botName}` : fake.personName(message.sender.id);
  const time = formatTime(message.createTime);
  const notes: string[] = [];
  if (message.parentId) notes.push(`↳ reply to ${message.parentId}`);
  if (message.threadId) notes.push(`thread ${message.threadId}`);
  if (message.revisions.length > 0) notes.push(`updated ${message.revisions.length}×`);
  if (message.deleted) notes.push('recalled');
  if (fake.pressRefusal(message.messageId)) notes.push('sent more than 14 days ago: Lark no longer lets anyone press or update this card');
  const urgents = message.urgents
    .map((u) => `<div class="urgent">⚡ urgent_${escapeHtml(u.kind)} → ${escapeHtml(u.userIds.map((id) => fake.personName(id)).join(', '))}</div>`)
    .join('');
  return (
    `<div class="msg${message.sender.senderType === 'app' ? ' bot' : ''}${message.sender.id === as ? ' mine' : ''}" id="${escapeHtml(message.messageId)}">` +
    `<div class="meta"><b>${escapeHtml(who)}</b> · ${escapeHtml(time)} · <code>${escapeHtml(message.messageId)}</code>` +
    (notes.length ? ` · ${escapeHtml(notes.join(' · '))}` : '') +
    recallButton(as, chat, message) +
    `</div>${renderMessageBody(ctx)}${urgents}</div>`
  );
}

/** 撤回 on one's own message (and, for the chat's owner, on anyone's), as Lark offers it. */
function recallButton(as: string, chat: FakeChat, message: FakeMessage): string {
  if (message.deleted || !as || (message.sender.id !== as && chat.ownerId !== as)) return '';
  return (
    ` <form class="inline" method="post" action="/sandbox/ui/recall"><input type="hidden" name="as" value="${escapeHtml(as)}">` +
    `<input type="hidden" name="chat" value="${escapeHtml(chat.chatId)}"><input type="hidden" name="message" value="${escapeHtml(message.messageId)}">` +
    `<button type="submit">撤回 Recall</button></form>`
  );
}
